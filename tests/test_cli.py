"""The command line: help for every subcommand, search output, CSV import and export."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from marketbot.cli import main

HEADER = "stall,vendor,village,product,category,price,unit,description,in_stock\n"


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "command", ["run", "import", "export", "search", "market-days", "qr", "poster", "words"]
)
def test_every_subcommand_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    assert "usage: marketbot" in capsys.readouterr().out


def test_run_help_documents_the_console_beside_other_platforms(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--console" in out
    assert "beside the other platforms" in out
    assert "every configured platform" in out


def test_python_dash_m_works() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "marketbot", "--help"], capture_output=True, text=True, check=True
    )
    assert "import" in result.stdout and "search" in result.stdout


def test_search_json_and_stdin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "m.db")
    code, out, _ = _run(["search", "木耳", "--json", "--db", db], capsys)
    rows = json.loads(out)
    assert code == 0 and rows[0]["product"] == "山木耳"
    assert rows[0]["price_yuan"] == 45 and rows[0]["unit"] == "斤" and rows[0]["in_stock"]
    assert rows[0]["stall"] == "老魏山货"
    monkeypatch.setattr(sys, "stdin", io.StringIO("小米\n电池\n"))
    code, out, _ = _run(["search", "-", "--db", db], capsys)
    first, second = (json.loads(line) for line in out.splitlines())
    assert first["query"] == "小米" and first["results"][0]["price_yuan"] == 6
    assert second == {"query": "电池", "intent": "find", "wanted": "电池", "results": []}


def test_import_is_idempotent_and_reports_rejects(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "m.db")
    csv_file = tmp_path / "goods.csv"
    csv_file.write_text(
        HEADER
        + "赵家粮油,赵大哥,段村,莜面,粮油,5.5,斤,,1\n"
        + "赵家粮油,赵大哥,段村,荞麦面,liangyou,6块,斤,细面,有货\n"
        + "赵家粮油,赵大哥,段村,坏价格,粮油,很便宜,斤,,1\n"
        + "赵家粮油,赵大哥,段村,怪分类,电器,5,斤,,1\n"
        + "孙家蜂场,孙姐,水磨头村,枣花蜜,蜂产品,35元/斤,,,售完\n",
        encoding="utf-8",
    )
    code, out, _ = _run(["import", str(csv_file), "--db", db], capsys)
    assert code == 3
    assert "imported 4 rows (4 new products, 0 updated, 2 new stalls); rejected 1" in out
    assert "line 4, price: unparseable ('很便宜')" in out  # the column, then what is wrong
    # once, with its lines and the list; the row went in under 其他
    assert "unknown categories, imported under 其他 (qita): 电器 (line 5)" in out
    assert "果蔬 guoshu" in out
    code, out, _ = _run(["import", str(csv_file), "--db", db], capsys)
    assert "(0 new products, 4 updated, 0 new stalls)" in out
    code, out, _ = _run(["search", "蜜", "--json", "--db", db], capsys)
    honey = {r["product"]: r for r in json.loads(out)}
    assert honey["枣花蜜"]["in_stock"] is False and honey["枣花蜜"]["price_yuan"] == 35


def test_import_reads_gbk_from_excel(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "m.db")
    csv_file = tmp_path / "excel.csv"
    csv_file.write_bytes((HEADER + "钱家干货,钱叔,横坡村,黄花菜,干果,25,斤,,1\n").encode("gbk"))
    code, out, _ = _run(["import", str(csv_file), "--db", db], capsys)
    assert code == 0 and "1 new products" in out
    code, out, _ = _run(["search", "黄花菜", "--db", db], capsys)
    assert "黄花菜\t25元/斤\t钱家干货" in out


def test_import_missing_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text("stall,product\na,b\n", encoding="utf-8")
    code, _, err = _run(["import", str(csv_file), "--db", str(tmp_path / "m.db")], capsys)
    assert code == 1 and "missing column(s): vendor" in err


def test_export_round_trips(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, other = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    out_file = tmp_path / "out.csv"
    code, out, _ = _run(["export", str(out_file), "--db", db], capsys)
    assert code == 0 and "exported 24 products" in out
    assert out_file.read_bytes().startswith(b"\xef\xbb\xbfstall,vendor")
    code, out, _ = _run(["import", str(out_file), "--db", other], capsys)
    assert code == 0 and "(24 new products, 0 updated, 6 new stalls)" in out  # no demo first
    code, out, _ = _run(["import", str(out_file), "--db", other], capsys)
    assert code == 0 and "(0 new products, 24 updated, 0 new stalls)" in out


def test_export_to_unwritable_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(
        ["export", "/nonexistent/dir/x.csv", "--db", str(tmp_path / "m.db")], capsys
    )
    assert code == 1 and "cannot write" in err


def test_bad_config_is_one_paragraph_no_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[bot]\nlanguage = 'fr'\n", encoding="utf-8")
    code, _, err = _run(["search", "x", "--config", str(config)], capsys)
    assert code == 2 and "bot.language" in err and "Traceback" not in err


def test_qr_and_posters_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import pypdfium2
    import zxingcpp
    from PIL import Image

    db = ["--db", str(tmp_path / "m.db"), "--username", "pingyao_market_bot"]
    png, pdf, market = tmp_path / "s.png", tmp_path / "all.pdf", tmp_path / "market.pdf"
    assert _run(["qr", "stall", "2", "--out", str(png), *db], capsys)[0] == 0
    code = zxingcpp.read_barcodes(Image.open(png))[0].text
    assert code == "https://t.me/pingyao_market_bot?start=stall_2"
    assert _run(["poster", "--all", "--out", str(pdf), *db], capsys)[0] == 0
    pages = pypdfium2.PdfDocument(str(pdf))
    assert len(pages) == 6
    third = zxingcpp.read_barcodes(pages[2].render(scale=3).to_pil())[0].text
    assert third.endswith("start=stall_3")
    assert _run(["poster", "market", "1", "--out", str(market), *db], capsys)[0] == 0
    code, _, err = _run(["qr", "stall", "99", "--out", str(png), *db], capsys)
    assert code == 1
    assert err.strip() == "marketbot qr: there is no stall with id 99"
    code, _, err = _run(["poster", "stall", "1", "--out", "/nonexistent/x.pdf", *db], capsys)
    assert code == 1
    assert "cannot write /nonexistent/x.pdf" in err
    code, _, err = _run(["poster", "--out", str(pdf), *db], capsys)
    assert code == 2


def test_a_poster_is_not_written_under_a_png_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", str(tmp_path / "m.db"), "--username", "pingyao_market_bot"]
    code, _, err = _run(["poster", "market", "1", "--out", str(tmp_path / "m.png"), *db], capsys)
    assert code == 2 and "PDF" in err and ".pdf" in err
    assert not (tmp_path / "m.png").exists()
    code, _, err = _run(["qr", "market", "1", "--out", str(tmp_path / "m.pdf"), *db], capsys)
    assert code == 2 and "PNG" in err


def test_an_import_into_a_new_database_has_no_demo_stalls(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "new.db")
    csv_file = tmp_path / "goods.csv"
    csv_file.write_text(HEADER + "赵家粮油,赵大哥,段村,莜面,粮油,5.5,斤,,1\n", encoding="utf-8")
    assert _run(["import", str(csv_file), "--db", db], capsys)[0] == 0
    _, out, _ = _run(["export", str(tmp_path / "out.csv"), "--db", db], capsys)
    assert "exported 1 products" in out
    assert "老魏山货" not in (tmp_path / "out.csv").read_text(encoding="utf-8-sig")


def test_a_secretary_adds_a_local_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    db = str(tmp_path / "m.db")
    _, out, _ = _run(["search", "老鸹瓢", "--json", "--db", db], capsys)
    assert json.loads(out) == []
    code, out, _ = _run(["words", "synonyms", "山木耳", "老鸹瓢"], capsys)
    assert code == 0
    assert (tmp_path / "search-tables" / "synonyms-extra.tsv").exists()
    _, out, _ = _run(["search", "老鸹瓢", "--json", "--db", db], capsys)
    assert json.loads(out)[0]["product"] == "山木耳"
    code, _, _ = _run(["words", "pinyin", ""], capsys)
    assert code == 1


def test_a_broken_word_table_is_a_one_paragraph_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "search-tables").mkdir()
    (tmp_path / "search-tables" / "categories-local.tsv").write_text("粥\tnot_a_category\t小米\n")
    code, _, err = _run(["search", "小米", "--db", str(tmp_path / "m.db")], capsys)
    assert code == 2
    assert "search.tables" in err
    assert "categories-local.tsv:1" in err
    assert "Traceback" not in err


def test_unknown_categories_are_reported_once_with_the_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "m.db")
    csv_file = tmp_path / "goods.csv"
    rows = "".join(f"摊{n},人,村,货{n},水果,5,斤,,1\n" for n in range(2, 7))
    csv_file.write_text(
        "stall,vendor,village,product,category,price,unit,description,in_stock\n"
        + rows
        + "鸡蛋摊,人,村,土鸡蛋,禽蛋肉,1,个,,1\n",
        encoding="utf-8",
    )
    code, out, _ = _run(["import", str(csv_file), "--db", db], capsys)
    assert code == 3
    assert out.count("水果") == 1 and "lines 2, 3, 4, 5, 6" in out
    assert "imported 6 rows" in out  # 禽蛋肉 is a category now; 水果's rows went in under 其他


def test_a_code_that_opens_only_telegram_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", str(tmp_path / "m.db"), "--username", "pingyao_market_bot"]
    code, _, err = _run(["qr", "stall", "1", "--out", str(tmp_path / "s.png"), *db], capsys)
    assert code == 0 and "does not open in mainland China" in err and "public_url" in err
    config = tmp_path / "c.toml"
    config.write_text("[web]\npublic_url = 'https://ganji.example.cn'\n", encoding="utf-8")
    web = [*db, "--config", str(config)]
    code, _, err = _run(["qr", "stall", "1", "--out", str(tmp_path / "w.png"), *web], capsys)
    assert code == 0 and "mainland" not in err
