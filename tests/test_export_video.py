"""The timeline as a video: requests, encoding (read back with PyAV and Pillow), the real
export path end to end, the command line, and the page's background job."""

from __future__ import annotations

import base64
import datetime as dt
import io
import os

import av
import numpy as np
import pytest
from PIL import Image, ImageDraw

from dashboard.export.spec import ExportRequestError
from dashboard.export.video import (
    MAX_DAYS,
    VideoSpec,
    duration_s,
    encode_video,
    make_video_spec,
    video_filename,
)

TIMELINE = (dt.date(2016, 4, 22), dt.date(2016, 5, 8))


def synthetic_frames(spec: VideoSpec) -> list[bytes]:
    """One PNG per day: a bar that grows with the day and a colour per day."""
    width, height = (spec.frame.width, spec.frame.height)
    frames = []
    for i, _day in enumerate(spec.days):
        image = Image.new("RGB", (width, height), (245, 245, 240))
        draw = ImageDraw.Draw(image)
        draw.rectangle((10, 10, 10 + (i + 1) * 30, 60), fill=(213, 94, 0))
        draw.ellipse((width // 2, height // 2, width // 2 + 20 + 10 * i, height // 2 + 40),
                     fill=(0, 114, 178))
        out = io.BytesIO()
        image.save(out, format="PNG")
        frames.append(out.getvalue())
    return frames


def read_video(data: bytes, fmt: str) -> tuple[str, str, int, int, list[np.ndarray]]:
    """Codec, pixel format, width, height and every decoded frame (RGB arrays, read as the
    BT.709 the file is tagged with)."""
    with av.open(io.BytesIO(data), format=fmt) as container:
        stream = container.streams.video[0]
        codec, pix_fmt = stream.codec_context.name, stream.codec_context.pix_fmt
        assert stream.codec_context.colorspace == 1  # BT.709
        frames = [frame.reformat(format="rgb24", src_colorspace="ITU709").to_ndarray()
                  for frame in container.decode(video=0)]
        return codec, pix_fmt, stream.width, stream.height, frames


def read_gif(data: bytes) -> tuple[tuple[int, int], list[np.ndarray], list[int]]:
    image = Image.open(io.BytesIO(data))
    frames, durations = [], []
    for k in range(image.n_frames):
        image.seek(k)
        frames.append(np.asarray(image.convert("RGB")))
        durations.append(image.info["duration"])
    return image.size, frames, durations


# --- requests -------------------------------------------------------------------------------


def test_defaults_are_the_whole_timeline_as_an_mp4_slide_size_map():
    spec = make_video_spec("mp4", TIMELINE)
    assert (spec.first, spec.last, spec.fmt, spec.frame.view) == (*TIMELINE, "mp4", "map")
    assert len(spec.days) == 17 and spec.size == (1920, 1080)
    assert spec.frames_per_day == 5 and duration_s(spec) == 17
    assert spec.frame.fmt == "png"
    assert video_filename(spec) == "aleppo-2016-04-22-to-2016-05-08-map.mp4"


def test_a_gif_is_hd_one_frame_per_day_and_fps_times_seconds_sets_frames_per_day():
    gif = make_video_spec("gif", TIMELINE, seconds_per_day="1.5")
    assert gif.size == (1280, 720) and gif.frames_per_day == 1
    assert duration_s(gif) == pytest.approx(17 * 1.5)
    assert make_video_spec("webm", TIMELINE, fps=10, seconds_per_day=0.5).frames_per_day == 5


def test_odd_sizes_lose_a_pixel_for_yuv420p():
    spec = make_video_spec("mp4", TIMELINE, preset="custom", width=641, height=361)
    assert spec.size == (640, 360)


@pytest.mark.parametrize(("kwargs", "param"), [
    ({"fmt": "avi"}, "format"),
    ({"fmt": "png"}, "format"),
    ({"first": "2016-04-01"}, "from"),
    ({"last": "2016-05-30"}, "to"),
    ({"first": "2016-05-02", "last": "2016-04-30"}, "to"),
    ({"first": "yesterday"}, "from"),
    ({"fps": 0}, "fps"),
    ({"fps": "2.5"}, "fps"),
    ({"fps": "lots"}, "fps"),
    ({"seconds_per_day": 60}, "seconds-per-day"),
    ({"view": "casualties"}, "view"),
    ({"window": "week"}, "window"),
    ({"fmt": "gif", "preset": "slide"}, "scale"),
    ({"preset": "slide", "scale": 3}, "scale"),
])
def test_bad_requests_are_refused_naming_the_parameter(kwargs, param):
    kwargs = {"fmt": "mp4", **kwargs}
    with pytest.raises(ExportRequestError) as info:
        make_video_spec(kwargs.pop("fmt"), TIMELINE, **kwargs)
    assert info.value.param == param


def test_a_long_timeline_is_refused_beyond_the_day_limit():
    long = (dt.date(2016, 1, 1), dt.date(2016, 12, 31))
    with pytest.raises(ExportRequestError, match=str(MAX_DAYS)):
        make_video_spec("mp4", long)
    assert len(make_video_spec("mp4", long, last="2016-03-01").days) == 61


# --- encoding -------------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "codec"), [("mp4", "h264"), ("webm", "vp9")])
def test_mp4_and_webm_hold_each_day_for_its_frames(fmt, codec):
    spec = make_video_spec(fmt, TIMELINE, first="2016-04-22", last="2016-04-25", fps=4,
                           preset="custom", width=321, height=200)
    seen = []
    data = encode_video(synthetic_frames(spec), spec, seen.append)
    got_codec, pix_fmt, width, height, frames = read_video(data, fmt)
    assert (got_codec, pix_fmt, width, height) == (codec, "yuv420p", 320, 200)
    assert len(frames) == len(spec.days) * spec.frames_per_day == 16
    assert seen == [1, 2, 3, 4]
    first, last = frames[0].astype(int), frames[-1].astype(int)
    assert np.abs(first - last).mean() > 1  # the last day's bar is longer
    assert np.abs(frames[0].astype(int) - frames[3].astype(int)).mean() < 1  # one day, held
    # Colours come back as drawn (within the codec's loss): the bar's orange, the background.
    assert np.abs(frames[-1][35, 60].astype(int) - (213, 94, 0)).max() <= 12
    assert np.abs(frames[-1][150, 20].astype(int) - (245, 245, 240)).max() <= 6


def test_mp4_starts_with_its_index_for_streaming():
    spec = make_video_spec("mp4", TIMELINE, last="2016-04-23", preset="custom", width=320,
                           height=200)
    data = encode_video(synthetic_frames(spec), spec)
    boxes = [data[4:8]]
    offset = int.from_bytes(data[:4], "big")
    boxes.append(data[offset + 4:offset + 8])
    assert boxes[0] == b"ftyp" and b"moov" in data[:offset + 64]  # +faststart: moov before mdat


def test_gif_has_one_frame_per_day_one_palette_and_the_duration():
    spec = make_video_spec("gif", TIMELINE, first="2016-04-22", last="2016-04-24",
                           seconds_per_day=0.5, preset="custom", width=320, height=200)
    data = encode_video(synthetic_frames(spec), spec)
    size, frames, durations = read_gif(data)
    assert size == (320, 200) and len(frames) == 3 and durations == [500, 500, 500]
    assert np.abs(frames[0].astype(int) - frames[-1].astype(int)).mean() > 1
    # Flat colours come through exact (a sensible palette, no dithering noise).
    assert tuple(frames[-1][30, 20]) == (213, 94, 0)
    assert Image.open(io.BytesIO(data)).info.get("loop") == 0


# --- end to end: real frames from the export path -------------------------------------------


def real_export_data(**dataset_changes):
    """The shipped data (with `dataset_changes`) and a browser to render it: skipped without
    Chromium, failed in CI."""
    import dataclasses

    from dashboard.data.load import load_dataset
    from dashboard.export.build import ExportData
    from dashboard.export.render import find_browser, get_session

    if find_browser() is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required for the export tests in CI")
        pytest.skip("Chromium not installed")
    get_session(90)
    return ExportData(dataset=dataclasses.replace(load_dataset(), **dataset_changes))


@pytest.fixture(scope="module")
def export_data():
    return real_export_data()


def test_the_timeline_as_mp4_from_rendered_stills(export_data, tmp_path):
    from dashboard.export.deliver import export_video

    spec = make_video_spec("mp4", export_data.days(), first="2016-04-26", last="2016-04-28",
                           fps=2, preset="custom", width=640, height=360)
    progress = []
    path = export_video(export_data, spec, tmp_path, base_url="https://example.org/aleppo/",
                        progress=lambda i, n: progress.append((i, n)))
    assert path.name == "aleppo-2016-04-26-to-2016-04-28-map.mp4"
    assert progress == [(1, 3), (2, 3), (3, 3)]
    codec, pix_fmt, width, height, frames = read_video(path.read_bytes(), "mp4")
    assert (codec, pix_fmt, width, height, len(frames)) == ("h264", "yuv420p", 640, 360, 6)
    # The title line at the top ("Aleppo, 26 April 2016") changes every day.
    def changed(a, b, rows=slice(0, 40)) -> int:
        return int((np.abs(a[rows].astype(int) - b[rows].astype(int)).max(axis=2) > 60).sum())

    assert changed(frames[0], frames[-1]) > 10  # two digits of the date
    assert changed(frames[0], frames[1]) < 5  # the same day, held for two frames
    assert changed(frames[0], frames[-1], slice(None)) > changed(frames[0], frames[-1])


# --- the command line and the page -----------------------------------------------------------


@pytest.mark.parametrize(("argv", "param"), [
    (["--animate", "--format", "png"], "format"),
    (["--animate", "--from", "2016-13-01"], "from"),
    (["--animate", "--fps", "100"], "fps"),
    (["--animate", "--briefing"], "animate"),
    (["--animate", "--date", "2016-04-30"], "date"),
    (["--from", "2016-04-22"], "from"),
    (["--format", "mp4"], "format"),
    (["--animate", "--view", "daily"], "view"),
])
def test_cli_refuses_bad_video_requests_naming_the_parameter(argv, param, tmp_path, capsys):
    from dashboard.export.cli import main

    assert main([*argv, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"export refused: {param}:"), err
    assert list(tmp_path.iterdir()) == []


def test_page_video_job_runs_to_the_day_shown(make_serving_app):
    from dashboard import ids
    from tests.test_export_jobs import export_payload, run_export_over_http

    client = make_serving_app(EXPORT_TIME_LIMIT=300).server.test_client()
    payload = export_payload(client, width=480, height=270)
    for item in payload["state"]:
        if item["id"] == ids.EXPORT_VIDEO_FORMAT:
            item["value"] = "gif"
        if item["id"] == "url-sync":
            item["value"] = "?date=2016-04-24"
    payload["changedPropIds"] = [f"{ids.EXPORT_VIDEO_BUTTON}.n_clicks"]
    response, progress = run_export_over_http(client, payload, timeout=240)
    status = response[ids.EXPORT_STATUS]["children"]
    assert status == "Ready: aleppo-2016-04-22-to-2016-04-24-map.gif", status
    download = response[ids.EXPORT_DOWNLOAD]["data"]
    size, frames, _durations = read_gif(base64.b64decode(download["content"]))
    assert size == (480, 270) and len(frames) == 3
    assert any("Day" in str(p) for p in progress), progress


def test_page_refuses_a_video_of_a_chart(make_serving_app):
    from dashboard import ids
    from tests.test_export_jobs import export_payload, run_export_over_http

    client = make_serving_app().server.test_client()
    payload = export_payload(client, view="daily")
    for item in payload["state"]:
        if item["id"] == ids.EXPORT_VIDEO_FORMAT:
            item["value"] = "mp4"
    payload["changedPropIds"] = [f"{ids.EXPORT_VIDEO_BUTTON}.n_clicks"]
    response, _ = run_export_over_http(client, payload)
    assert response[ids.EXPORT_STATUS]["children"].startswith("Export refused: view:")
