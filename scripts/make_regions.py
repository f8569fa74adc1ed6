"""Write metadata/regions.tsv, the gazetteer of regions a body's name may start with.

    python scripts/make_regions.py ADCODES.csv > metadata/regions.tsv

ADCODES.csv is the table of administrative divisions (12-digit code, name) shipped by the PyPI package cpca
(cpca/resources/adcodes.csv, National Bureau of Statistics codes); English names are the pinyin of the name
without its suffix (pypinyin, with apostrophes where syllables would run together: Xi'an), the official
names of provinces and the minority-language names of prefectures written in EXCEPTIONS below. Neither package
is a dependency of yusuan: the file is generated once and reviewed, then kept in metadata/.
"""

from __future__ import annotations

import csv
import sys

from pypinyin import lazy_pinyin

PROVINCES = {
    "11": "Beijing", "12": "Tianjin", "13": "Hebei Province", "14": "Shanxi Province",
    "15": "Inner Mongolia Autonomous Region", "21": "Liaoning Province", "22": "Jilin Province",
    "23": "Heilongjiang Province", "31": "Shanghai", "32": "Jiangsu Province", "33": "Zhejiang Province",
    "34": "Anhui Province", "35": "Fujian Province", "36": "Jiangxi Province", "37": "Shandong Province",
    "41": "Henan Province", "42": "Hubei Province", "43": "Hunan Province", "44": "Guangdong Province",
    "45": "Guangxi Zhuang Autonomous Region", "46": "Hainan Province", "50": "Chongqing", "51": "Sichuan Province",
    "52": "Guizhou Province", "53": "Yunnan Province", "54": "Tibet Autonomous Region", "55": None,
    "61": "Shaanxi Province", "62": "Gansu Province", "63": "Qinghai Province", "64": "Ningxia Hui Autonomous Region",
    "65": "Xinjiang Uygur Autonomous Region", "71": "Taiwan Province", "81": "Hong Kong Special Administrative Region",
    "82": "Macao Special Administrative Region",
}
# prefecture-level names not romanised by pinyin (Mongolian, Uygur, Tibetan and other names) or polyphonic
EXCEPTIONS = {
    "呼和浩特市": "Hohhot", "包头市": "Baotou", "鄂尔多斯市": "Ordos", "呼伦贝尔市": "Hulunbuir", "巴彦淖尔市": "Bayannur",
    "乌兰察布市": "Ulanqab", "兴安盟": "Hinggan League", "锡林郭勒盟": "Xilingol League", "阿拉善盟": "Alxa League",
    "乌鲁木齐市": "Urumqi", "克拉玛依市": "Karamay", "吐鲁番市": "Turpan", "哈密市": "Hami", "阿克苏地区": "Aksu Prefecture",
    "喀什地区": "Kashgar Prefecture", "和田地区": "Hotan Prefecture", "塔城地区": "Tacheng Prefecture",
    "阿勒泰地区": "Altay Prefecture", "伊犁哈萨克自治州": "Ili Kazak Autonomous Prefecture",
    "博尔塔拉蒙古自治州": "Bortala Mongol Autonomous Prefecture", "巴音郭楞蒙古自治州": "Bayingolin Mongol Autonomous Prefecture",
    "克孜勒苏柯尔克孜自治州": "Kizilsu Kirgiz Autonomous Prefecture", "昌吉回族自治州": "Changji Hui Autonomous Prefecture",
    "拉萨市": "Lhasa", "日喀则市": "Shigatse", "昌都市": "Qamdo", "林芝市": "Nyingchi", "山南市": "Shannan",
    "那曲市": "Nagqu", "阿里地区": "Ngari Prefecture", "海东市": "Haidong", "果洛藏族自治州": "Golog Tibetan Autonomous Prefecture",
    "甘孜藏族自治州": "Garze Tibetan Autonomous Prefecture", "阿坝藏族羌族自治州": "Ngawa Tibetan and Qiang Autonomous Prefecture",
    "迪庆藏族自治州": "Dechen Tibetan Autonomous Prefecture", "大兴安岭地区": "Da Hinggan Ling Prefecture",
    "重庆市": "Chongqing", "厦门市": "Xiamen", "蚌埠市": "Bengbu", "六安市": "Lu'an", "长沙市": "Changsha",
    "长春市": "Changchun", "长治市": "Changzhi", "丽水市": "Lishui", "丽江市": "Lijiang", "乐山市": "Leshan",
    "亳州市": "Bozhou", "哈尔滨市": "Harbin", "齐齐哈尔市": "Qiqihar", "漯河市": "Luohe",
    "那曲地区": "Nagqu Prefecture", "长宁区": "Changning District", "单县": "Shan County", "六合区": "Luhe District",
    "蚌山区": "Bengshan District", "长宁县": "Changning County", "朝阳县": "Chaoyang County", "朝阳市": "Chaoyang", "台州市": "Taizhou", "泰州市": "Taizhou",
}
ETHNIC = {  # 族 in the names of autonomous prefectures and counties
    "回族": "Hui", "藏族": "Tibetan", "蒙古族": "Mongol", "蒙古": "Mongol", "彝族": "Yi", "苗族": "Miao", "土家族": "Tujia",
    "壮族": "Zhuang", "哈萨克": "Kazak", "柯尔克孜": "Kirgiz", "傣族": "Dai", "景颇族": "Jingpo", "傈僳族": "Lisu", "白族": "Bai",
    "哈尼族": "Hani", "布依族": "Bouyei", "侗族": "Dong", "朝鲜族": "Korean", "羌族": "Qiang", "瑶族": "Yao", "满族": "Manchu",
    "畲族": "She", "黎族": "Li", "土族": "Tu", "撒拉族": "Salar", "东乡族": "Dongxiang", "保安族": "Bonan", "裕固族": "Yugur",
    "仡佬族": "Gelao", "水族": "Shui", "纳西族": "Naxi", "拉祜族": "Lahu", "佤族": "Va", "独龙族": "Derung", "怒族": "Nu",
    "普米族": "Pumi", "仫佬族": "Mulao", "毛南族": "Maonan", "达斡尔族": "Daur", "鄂温克族": "Ewenki", "鄂伦春": "Oroqen",
    "塔吉克": "Tajik", "锡伯": "Xibe", "维吾尔": "Uygur",
}
SUFFIXES = [  # longest first: suffix of the Chinese name → English kind
    ("自治州", "Autonomous Prefecture"), ("自治县", "Autonomous County"), ("自治旗", "Autonomous Banner"),
    ("特区", "Special District"), ("林区", "Forestry District"), ("新区", "New Area"), ("地区", "Prefecture"),
    ("盟", "League"), ("旗", "Banner"), ("区", "District"), ("县", "County"), ("市", ""),
]


def roman(chars: str, whole: str | None = None) -> str:
    """Pinyin of chars, read as part of the whole name (朝阳区 chao-yang, where 朝阳 alone reads zhao-yang)."""
    syllables = lazy_pinyin(whole or chars)[: len(chars)]
    out = ""
    for i, s in enumerate(syllables):
        if i and s[:1] in "aoe":
            out += "'"
        out += s.replace("v", "ü")
    return out[:1].upper() + out[1:]


def english(name: str, county_level: bool) -> str:
    if name in EXCEPTIONS:
        return EXCEPTIONS[name]
    for suffix, kind in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            peoples = []
            # strip the peoples named at the end of the stem (朝鲜族, 藏族羌族 …)
            changed = True
            while changed:
                changed = False
                for zh in sorted(ETHNIC, key=len, reverse=True):
                    if stem.endswith(zh) and len(stem) > len(zh):
                        peoples.insert(0, ETHNIC[zh])
                        stem = stem[: -len(zh)]
                        changed = True
                        break
            base = roman(stem, name)
            if peoples:
                base += " " + " and ".join(peoples)
            if suffix == "市" and county_level:
                kind = "City"
            return f"{base} {kind}".strip()
    return roman(name)


def main() -> int:
    rows = {}
    with open(sys.argv[1], encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            code = r["adcode"][:6]
            if r["adcode"][6:] != "000000" or code.startswith(("71", "81", "82")) and code[2:] != "0000":
                continue
            rows[code] = r["name"]
    print("# The gazetteer: administrative regions (National Bureau of Statistics 6-digit codes) a body's name may")
    print("# start with; generated by scripts/make_regions.py from the table of divisions shipped by the PyPI package")
    print("# cpca, English names by pinyin (exceptions written there). Columns: code, parent code, level, Chinese")
    print("# name, English name. Levels: province, prefecture, county.")
    print("code\tparent\tlevel\tname_zh\tname_en")
    for code in sorted(rows):
        name = rows[code]
        if code[2:] == "0000":
            level, parent, en = "province", "", PROVINCES[code[:2]]
        elif code[4:] == "00":
            level, parent, en = "prefecture", code[:2] + "0000", english(name, False)
        else:
            level = "county"
            city = code[:4] + "00"
            parent = city if rows.get(city) not in (None, "市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划") else code[:2] + "0000"
            en = english(name, True)
        if en is None or name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            continue
        print(f"{code}\t{parent}\t{level}\t{name}\t{en}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
