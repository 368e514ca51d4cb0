"""The service report (issue 19): generation time and size of the PDF of a job with 6 photos
(phone-camera size, 4000x3000 JPEG) and a signature, as a ratio to a one-page PDF with no image
built in the same run.

    .venv/bin/python bench/report.py [--rounds 10] [--photos 6]
"""
import argparse
import io
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from PIL import Image  # noqa: E402

from app.services import report  # noqa: E402


def camera_photo(n):
    image = Image.effect_noise((4000, 3000), 40 + n).convert("RGB")  # noise compresses badly
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def signature():
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    for x in range(40, 560):
        image.putpixel((x, 100 + (x % 40) - 20), (0, 0, 0, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def job(photos):
    return {"name": "FO-BENCH", "customer": "Maple Street Dental", "location": "Maple St",
            "address": "1 Maple St, Hartford, CT", "started_at": "Today 9:00",
            "ended_at": "Today 10:30", "technician": "Tom Technician",
            "description": "<p>Leaking valve in the basement.</p>",
            "resolution_text": "Replaced the valve and tested the pressure for 20 minutes.",
            "parts": [{"quantity_text": "2", "unit": "Units", "product": "Valve V-2"}],
            "photo_bytes": photos, "signature_bytes": signature() if photos else None,
            "signer": "Dana Customer"}


def median_seconds(data, rounds):
    times, size = [], 0
    for _ in range(rounds):
        started = time.perf_counter()
        size = len(report.build_pdf(data))
        times.append(time.perf_counter() - started)
    return statistics.median(times), size


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--photos", type=int, default=6)
    args = parser.parse_args()
    photos = [camera_photo(n) for n in range(args.photos)]
    base_s, base_size = median_seconds(job([]), args.rounds)
    full_s, full_size = median_seconds(job(photos), args.rounds)
    print(f"photos in: {args.photos} x {sum(map(len, photos)) / len(photos) / 1024:.0f} KB "
          "(4000x3000 JPEG)")
    print(f"report without images: {base_s * 1000:.1f} ms, {base_size / 1024:.1f} KB")
    print(f"report with {args.photos} photos + signature: {full_s * 1000:.1f} ms "
          f"({full_s / base_s:.0f}x the plain one), {full_size / 1024:.1f} KB")


if __name__ == "__main__":
    main()
