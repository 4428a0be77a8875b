# -*- coding: utf-8 -*-
"""Build the blind2 held-out set: hand-filled style county ledgers + answer_key.json.

Written by an outside evaluator without reading the pipeline, config.yaml or tests.
Deterministic: a fixed seed, fixed document properties and fixed zip timestamps.

    /work/main/.venv/bin/python tests/data/blind2/make.py
"""
import datetime as dt
import io
import json
import os
import random
import re
import shutil
import zipfile

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
import xlsxwriter

HERE = os.path.dirname(os.path.abspath(__file__))
INBOX = os.path.join(HERE, "inbox")
R = random.Random(20261203)
FIXED = dt.datetime(2026, 11, 27, 9, 0, 0)

STD = {"seq": "序号", "item_id": "问题编号", "category": "问题类别", "company": "企业名称",
       "uscc": "统一社会信用代码", "company_type": "企业类型", "sector": "所属领域", "source": "问题来源",
       "description": "问题描述", "case_no": "案号", "court": "审理（执行）法院", "amount": "涉及金额（万元）",
       "occurred_on": "发生（立案）日期", "owner_unit": "责任单位", "owner_person": "责任人",
       "approach": "处理方式", "measures": "整改措施", "deadline": "整改时限", "status": "整改状态",
       "paid": "已兑付金额（万元）", "closed_on": "办结日期", "note": "备注"}

CAT_FULL = {
    "A1": "政府作为被执行人尚未执行完毕的案件",
    "A2": "政府作为被告法院已受理尚未判决的案件",
    "B1": "违反契约精神、不兑现承诺、\u201c新官不理旧账\u201d等侵害市场主体权益问题",
    "B2": "违反政策规定乱答应、乱承诺导致合同约定无法兑现问题",
    "B3": "因政策变化、规划调整造成合同约定无法兑现问题",
    "B4": "招商引资优惠政策不合规、与现行法律法规相悖问题",
    "B5": "财政资金紧张导致合同承诺无法兑现问题",
}
CAT_SHORT = {"A1": "被执行未履行", "A2": "被诉未判决", "B1": "违约失信", "B2": "违规承诺",
             "B3": "政策规划调整", "B4": "招商政策不合规", "B5": "财政资金紧张"}
CAT_PARA = {"A1": "政府被执行案件", "A2": "政府被诉案件", "B1": "新官不理旧账",
            "B2": "乱承诺", "B3": "规划调整", "B4": "招商优惠政策不合规", "B5": "资金紧张拖欠"}

# ---------------------------------------------------------------- departments
DEPTS = [  # canonical, forms a clerk might write
    ("县发展和改革委员会", ["郏县发展和改革委员会", "县发改委", "发改委"]),
    ("县财政局", ["郏县财政局", "县财政局", "财政局"]),
    ("县住房和城乡建设局", ["郏县住房和城乡建设局", "县住建局", "住建局"]),
    ("县水利局", ["郏县水利局", "县水利局", "水利局"]),
    ("县交通运输局", ["郏县交通运输局", "县交通局", "交通局"]),
    ("县自然资源局", ["郏县自然资源局", "县自然资源局", "自然资源局"]),
    ("县商务局", ["郏县商务局", "县商务局", "商务局"]),
    ("县工业和信息化局", ["郏县工业和信息化局", "县工信局", "工信局"]),
    ("县市场监督管理局", ["郏县市场监督管理局", "县市场监管局", "市场监管局"]),
    ("县信访局", ["郏县信访局", "县信访局", "信访局"]),
    ("县司法局", ["郏县司法局", "县司法局", "司法局"]),
    ("县人力资源和社会保障局", ["郏县人力资源和社会保障局", "县人社局", "人社局"]),
    ("县教育体育局", ["郏县教育体育局", "县教体局", "教体局"]),
    ("县卫生健康委员会", ["郏县卫生健康委员会", "县卫健委", "卫健委"]),
    ("县农业农村局", ["郏县农业农村局", "县农业农村局", "农业农村局"]),
    ("县城市管理局", ["郏县城市管理局", "县城管局", "城管局"]),
    ("县文化广电和旅游局", ["郏县文化广电和旅游局", "县文广旅局", "文广旅局"]),
    ("县政务服务和大数据管理局", ["郏县政务服务和大数据管理局", "县政务服务局", "政务服务局"]),
    ("县人民法院", ["郏县人民法院", "县法院", "县人民法院"]),
    ("县产业集聚区管理委员会", ["郏县产业集聚区管理委员会", "县产业集聚区管委会", "产业集聚区管委会"]),
    ("龙山街道办事处", ["郏县龙山街道办事处", "龙山街道办事处", "龙山街道"]),
    ("东城街道办事处", ["郏县东城街道办事处", "东城街道办事处", "东城街道"]),
    ("堂街镇人民政府", ["郏县堂街镇人民政府", "堂街镇人民政府", "堂街镇"]),
    ("薛店镇人民政府", ["郏县薛店镇人民政府", "薛店镇人民政府", "薛店镇"]),
    ("冢头镇人民政府", ["郏县冢头镇人民政府", "冢头镇人民政府", "冢头镇"]),
    ("安良镇人民政府", ["郏县安良镇人民政府", "安良镇人民政府", "安良镇"]),
    ("长桥镇人民政府", ["郏县长桥镇人民政府", "长桥镇人民政府", "长桥镇"]),
    ("茨芭镇人民政府", ["郏县茨芭镇人民政府", "茨芭镇人民政府", "茨芭镇"]),
    ("黄道镇人民政府", ["郏县黄道镇人民政府", "黄道镇人民政府", "黄道镇"]),
    ("李口镇人民政府", ["郏县李口镇人民政府", "李口镇人民政府", "李口镇"]),
    ("王集乡人民政府", ["郏县王集乡人民政府", "王集乡人民政府", "王集乡"]),
    ("广阔天地乡人民政府", ["郏县广阔天地乡人民政府", "广阔天地乡人民政府", "广阔天地乡"]),
    ("渣园乡人民政府", ["郏县渣园乡人民政府", "渣园乡人民政府", "渣园乡"]),
    ("白庙乡人民政府", ["郏县白庙乡人民政府", "白庙乡人民政府", "白庙乡"]),
    ("姚庄回族乡人民政府", ["郏县姚庄回族乡人民政府", "姚庄回族乡人民政府", "姚庄回族乡"]),
]
DEPT = {c: f for c, f in DEPTS}

# ---------------------------------------------------------------- header pools
# each entry: (header text, options).  unit: 'wan' | 'yuan' | None (None = from a 单位 line, else 万元)
H = {
    "seq": ["序号", "序\n号", "序 号", "顺序号", "排序"],
    "item_id": ["问题编号", "台账编号", "问题\n编号", "问题编码", "台账问题编号（勿改）", "事项编号", "编码（系统生成）"],
    "category": ["问题类别（请选择）", "问题类型", "类别", "失信类别", "问题分类（下拉选择）", "*问题类别", "所属问题类别",
                 "问题种类", "类别（A1-B5）", "失信问题类型", "问题归类", "问题\n类别"],
    "company": ["企业名称", "单位（企业）名称", "涉及企业名称", "市场主体（企业）名称", "企业全称", "*企业名称", "涉事企业",
                "相关企业名称", "企业名称（与营业执照一致）", "受损企业", "权益受损市场主体", "企业\n名称", "诉求主体"],
    "uscc": ["统一社会信用代码", "社会信用代码", "统一社会\n信用代码", "企业统一社会信用代码", "信用代码（18位）",
             "统一代码", "组织机构代码/统一社会信用代码", "*统一社会信用代码"],
    "company_type": ["企业类型", "企业性质", "企业类别（请选择）", "市场主体类型", "企业所有制性质", "企业\n类型",
                     "单位性质", "市场主体性质"],
    "sector": ["所属领域", "所属行业领域", "领域", "涉及领域（请选择）", "行业领域", "所属\n领域", "项目领域", "领域分类"],
    "source": ["问题来源", "线索来源", "问题来源渠道", "发现渠道", "来源", "问题\n来源", "信息来源", "发现方式"],
    "description": ["问题描述", "问题简要描述", "主要问题及诉求", "问题具体情况", "存在问题及原因", "情况简介", "问题内容",
                    "失信问题简述", "问题情况说明", "简要案情", "具体问题", "问题表现", "*问题描述", "争议事项",
                    "问题描述（简明扼要）"],
    "case_no": ["案号", "案件编号", "法院立案案号", "法院立案号", "案 号", "执行（诉讼）案号", "裁判文书案号", "立案案号",
                "案号（无则不填）"],
    "court": ["审理（执行）法院", "受理法院", "管辖法院", "审理法院/执行法院", "承办法院", "执行法院", "法院名称", "立案法院"],
    "amount": [("涉及金额（万元）", "wan"), ("涉案金额（万元）", "wan"), ("金额（万元）", "wan"), ("标的额（万元）", "wan"),
               ("涉及资金", None), ("拖欠金额（元）", "yuan"), ("拖欠款项（万元）", "wan"), ("标的金额", None),
               ("涉诉金额（万元）", "wan"), ("应兑付金额（万元）", "wan"), ("争议金额\n（万元）", "wan"),
               ("涉及资金数额（元）", "yuan"), ("涉及金额", None)],
    "occurred_on": ["发生（立案）日期", "发生时间", "立案日期", "问题产生时间", "问题发现时间", "受理日期", "发生日期",
                    "问题形成时间", "立案（发生）时间", "发生/立案时间"],
    "owner_unit": ["责任单位", "责任部门", "牵头单位", "主责单位", "责任主体单位", "具体责任单位", "负责单位",
                   "牵头落实单位", "涉及政府部门", "责任单位（部门）", "*责任单位"],
    "owner_person": ["责任人", "责任领导", "分包领导", "直接责任人", "第一责任人", "责任人及职务", "负责人",
                     "包案责任人", "责任\n人"],
    "approach": ["处理方式", "化解方式（一企一议/一事一议/同事同议）", "处置办法", "解决方式", "处理\n方式", "化解路径",
                 "整治方式", "办理方式（请选择）"],
    "measures": ["整改措施", "化解举措", "整改措施及进展", "拟采取措施", "解决措施", "处置措施", "工作举措",
                 "整改落实措施", "采取的措施", "解决方案"],
    "deadline": ["整改时限", "整改期限", "计划完成日期", "完成期限", "化解完成期限", "整改完成时限", "要求完成时间",
                 "办结期限", "拟完成时间", "*整改时限"],
    "status": ["整改状态", "整改工作进度", "目前状态", "化解进展", "工作进展", "办理情况", "当前进度",
               "整改状态（未启动/整改中/已办结）", "完成情况", "*整改状态", "整改\n状态"],
    "paid": [("已兑付金额（万元）", "wan"), ("已兑付（万元）", "wan"), ("已支付金额", None), ("已偿还金额（万元）", "wan"),
             ("已解决金额（万元）", "wan"), ("已履行金额", None), ("兑现金额（万元）", "wan"), ("已付款（元）", "yuan"),
             ("已兑现资金（万元）", "wan")],
    "closed_on": ["办结日期", "完成日期", "办结时间", "实际办结时间", "销号日期", "化解完成时间", "实际完成日期",
                  "结案日期", "办结\n日期"],
    "note": ["备注", "备 注", "其他需要说明的事项", "说明", "备注（其他情况）"],
}
EXTRAS = ["联系人", "联系方式", "企业联系人", "法定代表人", "所在乡镇", "录入人", "是否纳入省平台", "核查人",
          "项目地址", "企业地址", "是否上报市级", "联系人及电话"]
PARENTS = {
    "ent": ["企业基本情况", "企业情况", "企业基本信息", "市场主体情况"],
    "prob": ["问题基本情况", "问题情况", "失信问题情况", "问题信息"],
    "resp": ["责任落实", "责任分工", "责任情况"],
    "fix": ["整改情况", "整改落实情况", "化解情况", "整改推进情况"],
}
GROUP_OF = {"company": "ent", "uscc": "ent", "company_type": "ent", "sector": "ent",
            "category": "prob", "source": "prob", "description": "prob", "case_no": "prob", "court": "prob",
            "amount": "prob", "occurred_on": "prob",
            "owner_unit": "resp", "owner_person": "resp", "approach": "resp",
            "measures": "fix", "deadline": "fix", "status": "fix", "paid": "fix", "closed_on": "fix"}

_pool_state = {}


def pick_header(key, used, want_unit=None):
    """Cycle through a shuffled pool so that no wording dominates."""
    pool = H[key]
    if key not in _pool_state:
        order = list(range(len(pool)))
        R.shuffle(order)
        _pool_state[key] = [order, 0]
    order, i = _pool_state[key]
    for k in range(len(pool)):
        e = pool[order[(i + k) % len(pool)]]
        text, unit = (e if isinstance(e, tuple) else (e, None))
        if text in used:
            continue
        if want_unit == "none" and unit is not None:
            continue
        _pool_state[key][1] = (i + k + 1) % len(pool)
        return text, unit
    raise RuntimeError(key)


# ---------------------------------------------------------------- values
USCC_CH = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ORG_CH = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def uscc_check(s17):
    t = sum(USCC_CH.index(c) * w for c, w in zip(s17, USCC_W))
    return USCC_CH[(31 - t % 31) % 31]


def make_uscc(kind="91"):
    body = "".join(R.choice("0123456789ABCDEFGHJKLMNPQRTUWXY"[:10] if k < 3 else "0123456789ABCDEFGHJKLMNPQRTUWXY")
                   for k in range(8))
    w = [3, 7, 9, 10, 5, 8, 4, 2]
    t = sum(ORG_CH.index(c) * x for c, x in zip(body, w))
    c9 = 11 - t % 11
    c9 = "X" if c9 == 10 else ("0" if c9 == 11 else str(c9))
    area = R.choice(["410425", "410425", "410425", "410400", "410402", "411000", "410100"])
    s17 = kind + area + body + c9
    return s17 + uscc_check(s17)


def uscc_valid(s):
    return (isinstance(s, str) and len(s) == 18 and all(c in USCC_CH for c in s)
            and uscc_check(s[:17]) == s[17])


def bad_uscc():
    s = make_uscc()
    last = s[17]
    alt = USCC_CH[(USCC_CH.index(last) + 7) % 31]
    return s[:17] + alt


PREF = ["郏县", "郏县", "平顶山市", "河南", "河南省", "许昌市", "河南中原", "郏县"]
ZIHAO = ["鑫源", "华宇", "永盛", "恒达", "瑞丰", "金鼎", "宏图", "博远", "天润", "万和", "兴业", "利民", "豫丰",
         "嘉禾", "聚鑫", "昌泰", "广源", "东方", "三苏", "龙腾", "汇通", "润泽", "安泰", "锦程", "福润", "茂林",
         "德信", "恒通", "中驰", "康宁"]
INDUSTRY = ["建筑工程", "建设工程", "路桥工程", "水利水电工程", "市政工程", "农业科技", "食品", "商贸", "新材料",
            "物流", "纺织", "置业", "环保科技", "生物科技", "机械制造", "园林绿化", "电子科技", "医疗器械",
            "文化旅游开发", "教育咨询", "电力安装", "汽车销售服务", "信息技术", "光伏发电", "劳务"]
FORMS = ["有限公司", "有限公司", "有限责任公司", "有限公司", "股份有限公司", "有限公司"]
_used_names = set()


def company_name(kind=None):
    for _try in range(200):
        if _try > 50:
            kind = None
        if kind == "coop":
            n = R.choice(["郏县", "郏县"]) + R.choice(["堂街镇", "薛店镇", "冢头镇", "安良镇", "茨芭镇", "李口镇",
                                                      "王集乡", "白庙乡"]) + R.choice(ZIHAO) + R.choice(
                ["种植", "养殖", "红薯", "烟叶", "中药材", "果蔬"]) + "专业合作社"
        elif kind == "factory":
            n = "郏县" + R.choice(ZIHAO) + R.choice(["砖", "面粉", "水泥制品", "纸箱", "服装", "铸造"]) + "厂"
        elif kind == "branch":
            n = R.choice(["中国建筑第七工程局", "河南路桥建设集团", "河南省水利第一工程局", "中铁七局集团", "河南省第二建设集团",
                          "平煤神马建工集团", "河南天冠", "许继电气"]) + "有限公司" + R.choice(["郏县", "平顶山", "郏县项目"]) + "分公司"
        else:
            n = R.choice(PREF) + R.choice(ZIHAO) + R.choice(INDUSTRY) + R.choice(FORMS)
        if n not in _used_names:
            _used_names.add(n)
            return n
    raise RuntimeError("names")


SURN = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁宋谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "建国",
         "红霞", "志强", "海燕", "国庆", "晓东", "春生", "爱民", "卫东", "建华", "丽娟", "振华", "鹏飞", "新民"]


def person():
    return R.choice(SURN) + R.choice(GIVEN)


TITLES = ["局长", "副局长", "镇长", "副镇长", "主任", "副主任", "党组书记", "纪检组长", "股长"]


def d(y, m, dd):
    return dt.date(y, m, dd)


def rand_date(y0=2021, y1=2026, before=None):
    while True:
        x = dt.date(R.randint(y0, y1), R.randint(1, 12), R.randint(1, 28))
        if before is None or x < before:
            return x


def month_end(y, m):
    nx = dt.date(y + (m == 12), m % 12 + 1, 1)
    return nx - dt.timedelta(days=1)


def fmt_date(x, style):
    if x is None:
        return None
    if style == "excel":
        return dt.datetime(x.year, x.month, x.day)
    if style == "iso":
        return x.isoformat()
    if style == "slash":
        return "%d/%d/%d" % (x.year, x.month, x.day)
    if style == "slash0":
        return x.strftime("%Y/%m/%d")
    if style == "dot":
        return "%d.%d.%d" % (x.year, x.month, x.day)
    if style == "dot0":
        return x.strftime("%Y.%m.%d")
    if style == "cn":
        return "%d年%d月%d日" % (x.year, x.month, x.day)
    if style == "cn_monthend":  # "2026年12月底" = the last day of that month
        if x == month_end(x.year, x.month):
            return "%d年%d月底" % (x.year, x.month)
        return "%d年%d月%d日" % (x.year, x.month, x.day)
    if style == "compact":
        return int(x.strftime("%Y%m%d"))
    if style == "compact_s":
        return x.strftime("%Y%m%d")
    raise ValueError(style)


DATE_STYLES = ["excel", "iso", "slash", "slash0", "dot", "dot0", "cn", "compact", "compact_s", "excel", "cn"]

COURTS_BASIC = ["郏县人民法院", "郏县人民法院", "平顶山市新华区人民法院", "宝丰县人民法院", "平顶山市湛河区人民法院"]
COURT_MID = "平顶山市中级人民法院"


def case_no(cat, year, bracket="（）"):
    lb, rb = bracket[0], bracket[1]
    n = R.randint(12, 3999)
    if cat == "A1":
        kind = R.choice(["执", "执", "执", "执恢", "执异"])
        return "%s%d%s豫0425%s%d号" % (lb, year, rb, kind, n), "郏县人民法院"
    roll = R.random()
    if roll < 0.45:
        return "%s%d%s豫0425民初%d号" % (lb, year, rb, n), "郏县人民法院"
    if roll < 0.7:
        return "%s%d%s豫04民终%d号" % (lb, year, rb, n), COURT_MID
    if roll < 0.85:
        return "%s%d%s豫0402行初%d号" % (lb, year, rb, n), "平顶山市新华区人民法院"
    return "%s%d%s豫0421民初%d号" % (lb, year, rb, n), "宝丰县人民法院"


PROJECTS = ["城区道路改造", "农村饮水安全巩固提升", "老旧小区改造", "中小学校舍维修", "乡镇卫生院改扩建",
            "高标准农田建设", "污水管网", "标准化厂房", "河道综合治理", "农村公路提档升级", "文化广场", "智慧城市",
            "集中供热管网", "美丽乡村", "垃圾中转站", "人居环境整治", "县城集中供水", "产业园区道路", "安置房",
            "体育馆", "光伏扶贫电站", "冷链仓储"]


def describe(cat, comp, unit_name):
    p = R.choice(PROJECTS)
    if cat == "A1":
        return R.choice([
            "%s与%s建设工程施工合同纠纷一案已判决生效，%s作为被执行人尚未履行完毕，剩余工程款未支付。" % (comp, unit_name, unit_name),
            "%s项目工程款执行案件，法院已立案执行，被执行人%s尚有欠款未执行到位。" % (p, unit_name),
            "%s申请强制执行，%s未按生效判决支付货款及利息，案件尚未执行完毕。" % (comp, unit_name)])
    if cat == "A2":
        return R.choice([
            "%s起诉%s合同纠纷，法院已受理，尚未判决。" % (comp, unit_name),
            "%s项目结算款争议，企业向法院提起诉讼，%s为被告，案件正在审理中。" % (p, unit_name),
            "企业不服%s行政行为提起行政诉讼，法院已立案受理，目前尚未开庭判决。" % unit_name])
    if cat == "B1":
        return R.choice([
            "原领导班子承诺给予的%s项目扶持资金，班子调整后未予兑现，企业多次反映，存在“新官不理旧账”问题。" % p,
            "与企业签订的%s合作协议约定的配套条件未落实，不兑现承诺，企业合法权益受损。" % p,
            "%s项目验收合格后，约定的奖励资金一直未兑现，违反契约精神。" % p])
    if cat == "B2":
        return R.choice([
            "招商时超出政策规定口头承诺减免土地出让金，合同约定无法兑现。",
            "乡镇违规承诺为企业办理%s用地手续，超越权限乱承诺，导致合同无法履行。" % p,
            "违反政策规定承诺返还企业已缴税费，合同条款无法兑现。"])
    if cat == "B3":
        return R.choice([
            "因国土空间规划调整，%s项目用地性质变更，原合同约定无法兑现。" % p,
            "受政策变化影响，%s项目停建，与企业签订的合同无法继续履行。" % p,
            "规划调整后项目选址变更，企业前期投入无法收回，合同约定无法兑现。"])
    if cat == "B4":
        return R.choice([
            "招商引资协议约定按税收地方留成比例返还企业，与现行法律法规相悖，需清理规范。",
            "%s招商引资项目约定的土地出让金返还优惠政策不合规。" % p,
            "招商引资合同中约定的电价、地价优惠与国家现行政策不符，无法兑现。"])
    if cat == "B5":
        return R.choice([
            "%s项目已竣工验收，因财政资金紧张，拖欠企业工程款。" % p,
            "受县级财力紧张影响，%s项目合同约定的进度款未按期支付。" % p,
            "政府采购%s服务费因财政资金不足未能按合同约定支付。" % p])
    raise ValueError(cat)


MEASURES_A = ["与申请执行人达成执行和解，分三期履行。", "积极筹措资金，按执行和解协议履行。", "积极应诉，配合法院审理。",
              "聘请法律顾问应诉，同时与原告协商调解。", "已列入年度预算，判决生效后及时履行。"]
MEASURES_B = ["积极筹措资金，分期支付。", "与企业协商达成还款计划，按计划逐月支付。", "已列入年度预算，年底前支付完毕。",
              "召开专题会议研究，一企一议制定化解方案。", "协调自然资源部门重新选址，保障企业用地。",
              "清理不合规条款，与企业重新签订补充协议。", "已报县政府研究，争取上级资金。",
              "按照合同约定据实结算，通过审计后支付。", "主动与企业对接沟通，落实原承诺事项。", "依法依规予以补偿。"]

STATUS_FORMS = {"未启动": ["未启动", "未启动", "未整改"], "整改中": ["整改中", "整改中", "推进中"],
                "已办结": ["已办结", "已办结", "已完成", "已化解", "已解决"]}
CTYPES = ["中小企业", "中小企业", "非公有制企业", "国有企业", "外资企业", "市属企业", "其他"]
SECTORS = ["住建", "水利", "交通", "其他工程建设", "非工程建设"]
SOURCES = ["部门自查", "部门自查", "企业反映", "信访", "热线", "法院", "媒体", "网络", "其他"]
APPROACHES = ["一企一议", "一事一议", "同事同议"]


def make_record(cat, dept, owner_default):
    """one semantic row"""
    kind = "coop" if (dept in ("县农业农村局",) or "乡" in dept) and R.random() < 0.4 else (
        "factory" if R.random() < 0.08 else ("branch" if R.random() < 0.05 else None))
    comp = company_name(kind)
    occurred = rand_date(2021, 2026, before=dt.date(2026, 10, 1))
    status = R.choice(["未启动", "整改中", "整改中", "整改中", "已办结", "已办结"])
    deadline = None
    if R.random() < 0.9:
        deadline = month_end(R.choice([2025, 2026, 2026, 2027]), R.randint(1, 12))
        if R.random() < 0.6:
            deadline = dt.date(deadline.year, deadline.month, R.choice([10, 15, 20, 30 if deadline.month != 2 else 28]))
    amount = round(R.choice([R.uniform(3, 80), R.uniform(20, 600), R.uniform(100, 2500)]), R.choice([0, 1, 2]))
    if amount == int(amount):
        amount = int(amount)
    paid = None
    closed = None
    if status == "已办结":
        paid = amount
        closed = rand_date(2024, 2026, before=dt.date(2026, 11, 20))
        if closed < occurred:
            closed = min(occurred + dt.timedelta(days=R.randint(30, 300)), dt.date(2026, 11, 20))
        if closed < occurred:
            occurred, closed = closed, occurred
    elif status == "整改中" and R.random() < 0.6:
        paid = round(amount * R.choice([0.2, 0.3, 0.5, 0.6]), 2)
    owner = owner_default
    rec = {
        "category": cat, "company": comp, "uscc": make_uscc("93" if kind == "coop" else "91"),
        "company_type": R.choice(CTYPES) if kind != "coop" else "其他",
        "sector": R.choice(SECTORS), "source": ("法院" if cat in ("A1", "A2") and R.random() < 0.6 else R.choice(SOURCES)),
        "description": describe(cat, comp, owner), "case_no": None, "court": None,
        "amount": amount, "occurred_on": occurred, "owner_unit": owner, "owner_person": person(),
        "approach": R.choice(APPROACHES), "measures": R.choice(MEASURES_A if cat in ("A1", "A2") else MEASURES_B), "deadline": deadline,
        "status": status, "paid": paid, "closed_on": closed, "note": None, "item_id": None,
    }
    if cat in ("A1", "A2"):
        rec["case_no"], rec["court"] = case_no(cat, min(occurred.year, 2026))
    if R.random() < 0.15:
        rec["note"] = R.choice(["企业同意分期", "已约谈企业", "上级督办事项", "市级交办", "涉及多个部门", "待审计结算"])
    return rec


# ---------------------------------------------------------------- grid + writers
class Sheet:
    def __init__(self, name, hidden=False):
        self.name = name
        self.cells = {}
        self.merges = []
        self.hidden = hidden
        self.widths = {}

    def set(self, r, c, v):
        if v is not None and v != "":
            self.cells[(r, c)] = v

    def merge(self, r1, c1, r2, c2):
        if (r1, c1) != (r2, c2):
            self.merges.append((r1, c1, r2, c2))


def _norm_zip(path):
    src = open(path, "rb").read()
    zin = zipfile.ZipFile(io.BytesIO(src))
    out = io.BytesIO()
    zout = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED)
    for info in sorted(zin.infolist(), key=lambda i: (i.filename != "[Content_Types].xml", i.filename)):
        data = zin.read(info.filename)
        if info.filename == "docProps/core.xml":
            data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                          rb"\g<1>2026-11-27T09:00:00Z\g<3>", data)
        zi = zipfile.ZipInfo(info.filename, date_time=(2026, 11, 27, 9, 0, 0))
        zi.compress_type = zipfile.ZIP_DEFLATED
        zi.external_attr = 0o600 << 16
        zout.writestr(zi, data)
    zout.close()
    open(path, "wb").write(out.getvalue())


def write_openpyxl(path, sheets, active=0):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for s in sheets:
        ws = wb.create_sheet(s.name)
        for (r, c), v in sorted(s.cells.items()):
            cell = ws.cell(row=r, column=c, value=v)
            if isinstance(v, dt.datetime):
                cell.number_format = "yyyy-mm-dd"
            if isinstance(v, str) and "\n" in v:
                cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        for m in s.merges:
            ws.merge_cells(start_row=m[0], start_column=m[1], end_row=m[2], end_column=m[3])
        for c, w in s.widths.items():
            ws.column_dimensions[get_column_letter(c)].width = w
        if s.hidden:
            ws.sheet_state = "hidden"
    wb.active = active
    wb.properties.creator = "Administrator"
    wb.properties.lastModifiedBy = "Administrator"
    wb.properties.created = FIXED
    wb.properties.modified = FIXED
    wb.save(path)
    _norm_zip(path)


def write_xlsxwriter(path, sheets, active=0):
    wb = xlsxwriter.Workbook(path, {"strings_to_numbers": False, "strings_to_formulas": False})
    wb.set_properties({"author": "WPS", "created": FIXED})
    fdate = wb.add_format({"num_format": "yyyy/m/d"})
    fwrap = wb.add_format({"text_wrap": True, "align": "center", "valign": "vcenter"})
    for i, s in enumerate(sheets):
        ws = wb.add_worksheet(s.name)
        merged_tl = {}
        covered = set()
        for m in s.merges:
            merged_tl[(m[0], m[1])] = m
            for r in range(m[0], m[2] + 1):
                for c in range(m[1], m[3] + 1):
                    covered.add((r, c))
        for m in s.merges:
            v = s.cells.get((m[0], m[1]), "")
            if isinstance(v, dt.datetime):
                ws.merge_range(m[0] - 1, m[1] - 1, m[2] - 1, m[3] - 1, "", fdate)
                ws.write_datetime(m[0] - 1, m[1] - 1, v, fdate)
            else:
                ws.merge_range(m[0] - 1, m[1] - 1, m[2] - 1, m[3] - 1, v, fwrap if isinstance(v, str) and "\n" in v else None)
        for (r, c), v in sorted(s.cells.items()):
            if (r, c) in covered:
                continue
            if isinstance(v, dt.datetime):
                ws.write_datetime(r - 1, c - 1, v, fdate)
            elif isinstance(v, str):
                ws.write_string(r - 1, c - 1, v, fwrap if "\n" in v else None)
            else:
                ws.write_number(r - 1, c - 1, v)
        for c, w in s.widths.items():
            ws.set_column(c - 1, c - 1, w)
        if s.hidden:
            ws.hide()
        if i == active:
            ws.activate()
    wb.close()
    _norm_zip(path)


# ---------------------------------------------------------------- ledger sheet builder
def col_letter(c):
    return get_column_letter(c)


def render_category(cat, style):
    if cat is None:
        return None
    if style == "full":
        return "%s %s" % (cat, CAT_FULL[cat])
    if style == "fullnospace":
        return "%s%s" % (cat, CAT_FULL[cat])
    if style == "code":
        return cat
    if style == "short":
        return CAT_SHORT[cat]
    if style == "codeshort":
        return "%s.%s" % (cat, CAT_SHORT[cat])
    if style == "para":
        return CAT_PARA[cat]
    if style == "label":
        return CAT_FULL[cat]
    raise ValueError(style)


def render_amount(v, unit, style):
    """unit: 'wan' or 'yuan' = what the clerk writes; style: 'num' or 'text'"""
    if v is None:
        return None
    if unit == "yuan":
        x = round(v * 10000, 2)
        x = int(x) if x == int(x) else x
        return x if style != "text" else "%s元" % x
    if style == "text":
        return "%s万元" % v
    return v


class Col:
    def __init__(self, key, text, unit=None, parent=None, alt=None, date_style=None, amount_style="num"):
        self.key, self.text, self.unit, self.parent = key, text, unit, parent
        self.alt = alt or []
        self.date_style = date_style
        self.amount_style = amount_style


def choose_columns(keys, extras=(), unit_line=None, grouped=False, forced=None):
    """keys in order; returns list of Col with header variants from the pools."""
    forced = forced or {}
    used = set()
    cols = []
    for k in keys:
        if k.startswith("x:"):
            cols.append(Col(None, k[2:]))
            used.add(k[2:])
            continue
        if k in forced:
            t, u = forced[k]
        else:
            want = "none" if (unit_line and k in ("amount", "paid")) else None
            t, u = pick_header(k, used, want)
        used.add(t)
        c = Col(k, t, u)
        if k in ("occurred_on", "deadline", "closed_on"):
            c.date_style = R.choice(DATE_STYLES + (["cn_monthend"] * 3 if k == "deadline" else []))
        cols.append(c)
    for e in extras:
        pos = R.randint(1, len(cols))
        cols.insert(pos, Col(None, e))
    return cols


def build_ledger_sheet(sh, cols, records, opts, dept):
    """Lay one ledger table out on sheet `sh`.  Returns the answer-key sheet entry."""
    c0 = opts.get("start_col", 1)
    r = 1
    ncol = len(cols)
    last = c0 + ncol - 1
    ent = {"name": sh.name, "role": "data"}
    if opts.get("title"):
        sh.set(r, c0, opts["title"])
        if opts.get("merge_title", True):
            sh.merge(r, c0, r, last)
        r += 1
    for line in opts.get("pre_lines", []):
        if isinstance(line, list):  # split across cells
            for i, v in enumerate(line):
                sh.set(r, c0 + i * max(1, ncol // len(line)), v)
        else:
            sh.set(r, c0, line)
            if opts.get("merge_lines", False):
                sh.merge(r, c0, r, last)
        r += 1
    if opts.get("unit_line"):
        sh.set(r, last if opts.get("unit_line_right", True) else c0, opts["unit_line"])
        r += 1
    if opts.get("blank_before_header"):
        r += 1
    # header
    two = any(c.parent for c in cols)
    hr = r
    if two:
        ent["header_rows"] = [r, r + 1]
        i = 0
        while i < ncol:
            c = cols[i]
            if c.parent:
                j = i
                while j + 1 < ncol and cols[j + 1].parent == c.parent:
                    j += 1
                sh.set(r, c0 + i, c.parent)
                sh.merge(r, c0 + i, r, c0 + j)
                for k in range(i, j + 1):
                    sh.set(r + 1, c0 + k, cols[k].text)
                i = j + 1
            else:
                sh.set(r, c0 + i, c.text)
                sh.merge(r, c0 + i, r + 1, c0 + i)
                i += 1
        r += 2
    else:
        ent["header_rows"] = [r]
        for i, c in enumerate(cols):
            sh.set(r, c0 + i, c.text)
        r += 1
    for i, c in enumerate(cols):
        sh.widths[c0 + i] = 28 if c.key in ("description", "measures") else 14
    if opts.get("number_row"):
        style = opts["number_row"]
        ent["numbered_row"] = r
        cn = "一二三四五六七八九十"
        for i in range(ncol):
            n = i + 1
            if style == "arabic":
                v = n
            elif style == "arabic_s":
                v = str(n)
            elif style == "paren_cn":
                v = "（%s）" % (cn[n - 1] if n <= 10 else "十" + cn[n - 11] if n < 20 else "二十" + (cn[n - 21] if n > 20 else ""))
            elif style == "col":
                v = "第%d列" % n
            else:
                raise ValueError(style)
            sh.set(r, c0 + i, v)
        r += 1
    if opts.get("unit_row"):
        ent["unit_row"] = r
        for i, c in enumerate(cols):
            if c.key in ("amount", "paid"):
                sh.set(r, c0 + i, "万元" if c.unit != "yuan" else "元")
            elif c.key in ("occurred_on", "deadline", "closed_on"):
                sh.set(r, c0 + i, "年月日")
        r += 1
    # data
    unit_line_yuan = opts.get("unit_line") and "元" in opts["unit_line"] and "万元" not in opts["unit_line"]
    rows = []
    data_nums = []
    merged_cols = []
    section_rows = []
    sections = opts.get("sections")  # {index_before: text}
    blank_after = set(opts.get("blank_after", []))
    merge_key = opts.get("merge_down")
    seq = 0
    run_start = None
    prev_val = None
    for idx, rec in enumerate(records):
        if sections and idx in sections:
            sh.set(r, c0, sections[idx])
            sh.merge(r, c0, r, last)
            section_rows.append(r)
            r += 1
            run_start, prev_val = None, None
        seq += 1
        vals = {}
        merged_from_above = []
        for i, c in enumerate(cols):
            col = c0 + i
            k = c.key
            v = None
            if k is None:
                v = rec.get("_x_" + c.text)
            elif k == "seq":
                v = seq if not opts.get("seq_text") else "%d" % seq
            elif k == "category":
                v = rec.get("_cat_cell", render_category(rec["category"], opts.get("cat_style", "full")))
            elif k in ("amount", "paid"):
                unit = c.unit or ("yuan" if unit_line_yuan else "wan")
                v = rec.get("_raw_" + k, render_amount(rec[k], unit, rec.get("_amt_style", c.amount_style)))
            elif k in ("occurred_on", "deadline", "closed_on"):
                v = rec.get("_raw_" + k, fmt_date(rec[k], c.date_style))
            elif k == "status":
                v = rec.get("_raw_status")
                if v is None and rec["status"] is not None:
                    v = R.choice(STATUS_FORMS[rec["status"]])
                elif v == "":
                    v = None
            elif k == "owner_person":
                v = rec[k] if not opts.get("person_title") else rec[k] + "（" + R.choice(TITLES) + "）"
            else:
                v = rec.get("_raw_" + k, rec.get(k))
            sh.set(r, col, v)
            if k == merge_key:
                if run_start is not None and v == prev_val:
                    sh.cells.pop((r, col), None)
                    merged_from_above.append(k)
                    # extend the merge
                    if sh.merges and sh.merges[-1][1] == col and sh.merges[-1][2] == r - 1 and sh.merges[-1][0] == run_start:
                        sh.merges[-1] = (run_start, col, r, col)
                    else:
                        sh.merges.append((run_start, col, r, col))
                    if col_letter(col) not in merged_cols:
                        merged_cols.append(col_letter(col))
                else:
                    run_start, prev_val = r, v
        # answer values
        have = {c.key for c in cols}
        av = {"company": rec["company"] if "company" in have else None}
        if rec.get("_raw_company") is not None or "company" in have:
            av["company"] = rec.get("_raw_company", rec["company"])
        if "case_no" in have:
            av["case_no"] = rec["case_no"]
        if "owner_unit" in have:
            av["owner_unit"] = rec["owner_unit"]
        if "amount" in have:
            av["amount_wan"] = rec["amount"]
        if "paid" in have:
            av["paid_wan"] = rec["paid"]
        for k in ("occurred_on", "deadline", "closed_on"):
            if k in have:
                av[k] = rec[k].isoformat() if rec[k] else None
        if "status" in have:
            av["status"] = rec["status"] if rec.get("_raw_status", "x") != "" else None
        if "uscc" in have:
            av["uscc"] = rec["uscc"]
            av["uscc_valid"] = uscc_valid(rec["uscc"]) if rec["uscc"] else None
        row = {"excel_row": r, "category": rec["_key_cat"], "category_basis": rec["_basis"], "values": av,
               "expected_error": rec.get("_error")}
        if merged_from_above:
            row["cells_merged_from_above"] = merged_from_above
        rows.append(row)
        data_nums.append(r)
        r += 1
        if idx in blank_after:
            r += 1
            run_start, prev_val = None, None
    if opts.get("total_row"):
        ent["total_row"] = r
        sh.set(r, c0, "合计")
        if cols[0].key == "seq" and ncol > 2:
            sh.merge(r, c0, r, c0 + 1)
        for i, c in enumerate(cols):
            if c.key == "amount":
                unit = c.unit or ("yuan" if unit_line_yuan else "wan")
                tot = sum(x["amount"] for x in records if isinstance(x.get("amount"), (int, float)))
                sh.set(r, c0 + i, render_amount(round(tot, 2), unit, "num"))
        r += 1
    footers = []
    for f in opts.get("footers", []):
        r += 1 if not footers else 0
        if isinstance(f, list):
            for i, v in enumerate(f):
                sh.set(r, c0 + i * max(1, ncol // len(f)), v)
        else:
            sh.set(r, c0, f)
        footers.append(r)
        r += 1
    if footers:
        ent["footer_rows"] = footers
    if section_rows:
        ent["section_rows"] = section_rows
    # answer entry
    ent["columns"] = {c.text: c.key for c in cols}
    ent["columns_standard_name"] = {c.text: (STD[c.key] if c.key else None) for c in cols}
    ent["column_details"] = [{"col": col_letter(c0 + i), "header": c.text, "parent": c.parent, "key": c.key,
                              "standard_name": STD[c.key] if c.key else None, "alt": c.alt} for i, c in enumerate(cols)]
    ent["data_rows"] = len(rows)
    ent["data_row_numbers"] = data_nums
    ent["merged_columns"] = merged_cols
    ent["rows"] = rows
    amt_cols = [c for c in cols if c.key in ("amount", "paid")]
    if amt_cols:
        ent["amount_units"] = {c.text: (c.unit or ("yuan" if unit_line_yuan else "wan")) for c in amt_cols}
    return ent


def finish_records(records, cols, dept_canon):
    """decide the answer category and its basis for each record, given the columns the sheet has."""
    keys = {c.key for c in cols}
    for rec in records:
        cat = rec["category"]
        if "_key_cat" in rec:
            continue
        cell = rec.get("_cat_cell", "x")
        if "category" in keys and cell not in (None, ""):
            rec["_key_cat"], rec["_basis"] = cat, "category column"
        elif "case_no" in keys and rec.get("case_no"):
            rec["_key_cat"], rec["_basis"] = cat, "case number (执 → A1, 初/终 → A2)"
        else:
            rec["_key_cat"], rec["_basis"] = cat, "description wording"
        if cat in ("A1", "A2") and "case_no" not in keys and rec.get("_error") is None:
            rec["_error"] = "A1/A2 row without 案号 (no case-number column)"
    return records


# ---------------------------------------------------------------- file specs
FILES = {}
ORDER = []


def fill_line(dept_form, style, date, person_=None, phone=None):
    person_ = person_ or person()
    phone = phone or "0375-%d" % R.randint(5100000, 5199999)
    ds = {"cn": "%d年%d月%d日" % (date.year, date.month, date.day), "iso": date.isoformat(),
          "dot": "%d.%d.%d" % (date.year, date.month, date.day)}
    if style == "full":
        return "填报单位：%s　　　填报人：%s　　　联系电话：%s　　　填报日期：%s" % (dept_form, person_, phone, ds["cn"])
    if style == "stamp":
        return "填报单位（盖章）：%s                     填报时间：%s" % (dept_form, ds["dot"])
    if style == "short":
        return "填报单位:%s" % dept_form
    if style == "baosong":
        return "报送单位：%s        报送日期：%s" % (dept_form, ds["iso"])
    if style == "danwei":
        return "单位名称：%s（公章）　　日期：%s" % (dept_form, ds["cn"])
    if style == "tianbiao":
        return "填表单位：%s    填表人：%s    电话：%s" % (dept_form, person_, phone[-7:])
    raise ValueError(style)


def split_fill(dept_form, date):
    return ["填报单位：", dept_form, "填报人：" + person(), "填报日期：%d年%d月%d日" % (date.year, date.month, date.day)]


def gen_records(dept, n, cats, owner_forms=None, errors=()):
    recs = []
    for i in range(n):
        cat = cats[i % len(cats)]
        owner = R.choice(owner_forms) if owner_forms else DEPT[dept][0]
        recs.append(make_record(cat, dept, owner))
    for i, e in errors:
        rec = recs[i]
        if e == "no_company":
            rec["_raw_company"] = None
            rec["company_"] = rec["company"]
            rec["company"] = None
            rec["_error"] = "no_company"
        elif e == "no_case":
            rec["case_no"] = None
            rec["_error"] = "A1/A2 row without 案号"
        elif e == "bad_deadline":
            rec["_raw_deadline"] = R.choice(["长期坚持", "待定", "尽快"])
            rec["deadline"] = None
            rec["_error"] = "bad_deadline"
        elif e == "negative_amount":
            rec["amount"] = -abs(rec["amount"])
            rec["paid"] = None
            rec["_error"] = "negative_amount"
        elif e == "bad_amount":
            rec["_raw_amount"] = "约数十万"
            rec["amount"] = None
            rec["_error"] = "bad_amount"
        elif e == "no_description":
            rec["description"] = None
            rec["_error"] = "no_description"
        elif e == "bad_uscc":
            rec["uscc"] = bad_uscc()
        elif e == "blank_status":
            rec["_raw_status"] = ""
            rec["status"] = None
        elif e == "blank_cat":
            rec["_cat_cell"] = None
    return recs


def register(fname, entry, sheets, writer="openpyxl", active=0):
    path = os.path.join(INBOX, fname)
    if sheets is not None:
        (write_xlsxwriter if writer == "xlsxwriter" else write_openpyxl)(path, sheets, active)
    entry.setdefault("format", "xlsx")
    entry["writer"] = writer
    entry["data_rows"] = sum(s.get("data_rows", 0) for s in entry["sheets"])
    FILES[fname] = entry
    ORDER.append(fname)


def instr_sheet(name, lines):
    s = Sheet(name)
    for i, l in enumerate(lines):
        s.set(i + 1, 1, l)
    s.widths[1] = 90
    return s, {"name": name, "role": "instructions", "columns": {}, "data_rows": 0, "rows": [], "column_details": []}


def list_sheet(name, hidden=True):
    s = Sheet(name, hidden=hidden)
    lists = [["问题类别"] + ["%s %s" % (k, v) for k, v in CAT_FULL.items()],
             ["企业类型"] + CTYPES[1:], ["所属领域"] + SECTORS, ["问题来源"] + SOURCES[1:],
             ["处理方式"] + APPROACHES, ["整改状态", "未启动", "整改中", "已办结"]]
    for j, l in enumerate(lists):
        for i, v in enumerate(l):
            s.set(i + 1, j + 1, v)
    return s, {"name": name, "role": "hidden" if hidden else "instructions", "hidden": hidden,
               "note": "dropdown lists (下拉选项) for data validation", "columns": {}, "data_rows": 0, "rows": [],
               "column_details": []}


INSTR = ["填表说明：", "1.本表由各责任单位如实填写，每周五前报县信用办。",
         "2.问题类别从下拉菜单选择（A1、A2、B1—B5）。", "3.涉及金额以万元为单位，保留两位小数。",
         "4.日期统一按“2024-01-01”格式填写。", "5.无问题的单位报零报告。"]

SUBMIT = [d(2026, 11, 23), d(2026, 11, 24), d(2026, 11, 25), d(2026, 11, 26), d(2026, 11, 27)]

KEYSETS = {
    # typical full-ish ledger
    "full": ["seq", "category", "company", "uscc", "company_type", "sector", "source", "description", "case_no",
             "court", "amount", "occurred_on", "owner_unit", "owner_person", "approach", "measures", "deadline",
             "status", "paid", "closed_on", "note"],
    "mid": ["seq", "category", "company", "uscc", "description", "case_no", "court", "amount", "occurred_on", "owner_unit",
            "owner_person", "measures", "deadline", "status", "note"],
    "small": ["seq", "company", "category", "description", "amount", "owner_person", "measures", "deadline", "status"],
    "dispute": ["seq", "category", "company", "uscc", "company_type", "description", "amount", "occurred_on",
                "owner_unit", "owner_person", "approach", "measures", "deadline", "status", "paid", "closed_on"],
    "cases": ["seq", "case_no", "court", "company", "description", "amount", "occurred_on", "owner_unit",
              "owner_person", "measures", "deadline", "status", "paid"],
    "pre": ["seq", "item_id", "category", "company", "uscc", "description", "case_no", "court", "amount", "owner_unit",
            "owner_person", "measures", "deadline", "status", "closed_on", "note"],
    "town": ["seq", "company", "uscc", "sector", "source", "category", "description", "amount", "occurred_on",
             "owner_person", "approach", "measures", "deadline", "status", "paid", "note"],
}


def group(cols, ngroups=("ent", "prob", "fix"), names=None):
    """assign parents to contiguous runs; returns cols (order already grouped-friendly)."""
    names = names or {g: R.choice(PARENTS[g]) for g in PARENTS}
    # clerks keep the children of one parent together: gather each group at its first member
    blocks, where = [], {}
    for c in cols:
        g = GROUP_OF.get(c.key)
        if g in ngroups:
            if g not in where:
                where[g] = len(blocks)
                blocks.append([])
            blocks[where[g]].append(c)
        else:
            blocks.append([c])
    cols[:] = [c for b in blocks for c in b]
    for c in cols:
        g = GROUP_OF.get(c.key)
        if g in ngroups:
            c.parent = names[g]
    # a parent must cover a contiguous run; break runs that are interrupted
    seen = {}
    for i, c in enumerate(cols):
        if c.parent:
            if c.parent in seen and seen[c.parent] != i - 1:
                c.parent = None
            else:
                seen[c.parent] = i
    # a parent over a single child is still fine (realistic), keep
    return cols


def make_sheet(dept, sheet_name, keys, n, cats, layout, *, submit, dform=None, extras=(), errors=(),
               shuffle=False, forced=None, owner_forms=None, groups=None, recs=None):
    opts = dict(layout)
    dform = opts.pop("dept_form", None) or dform or R.choice(DEPT[dept])
    fl = opts.pop("fill", None)
    pre = []
    if fl == "split":
        pre.append(split_fill(dform, submit))
    elif fl:
        pre.append(fill_line(dform, fl, submit))
    opts["pre_lines"] = pre + opts.get("pre_lines", [])
    if opts.get("title") is True:
        opts["title"] = R.choice(["郏县政务失信问题排查整治台账", "%s政务失信问题排查整治台账" % dform,
                                  "政务失信问题专项治理排查台账", "郏县政务失信问题专项治理问题台账（%s）" % dform,
                                  "%s政务失信问题排查情况统计表" % dform])
    k = list(keys)
    if shuffle:
        head = [x for x in k if x == "seq"]
        rest = [x for x in k if x != "seq"]
        R.shuffle(rest)
        k = head + rest
    cols = choose_columns(k, extras, unit_line=opts.get("unit_line"), forced=forced)
    if groups:
        group(cols, groups)
    if recs is None:
        recs = gen_records(dept, n, cats, owner_forms=owner_forms, errors=errors)
    for rec in recs:
        for c in cols:
            if c.key is None:
                rec["_x_" + c.text] = extra_value(c.text, rec)
        if "item_id" in keys and rec.get("item_id") is None:
            rec["item_id"] = "ZW%04d" % R.randint(1, 9999)
    frac = opts.pop("amount_text", 0)
    for rec in recs:
        if frac and R.random() < frac:
            rec["_amt_style"] = "text"
    finish_records(recs, cols, dept)
    sh = Sheet(sheet_name)
    ent = build_ledger_sheet(sh, cols, recs, opts, dept)
    return sh, ent


def ledger_file(fname, dept, parts, *, evidence="填报单位 line", notes=None, submit=None, writer="openpyxl",
                active=0, extra_fields=None):
    """parts: list of (Sheet, entry) or dicts with make_sheet arguments"""
    submit = submit or R.choice(SUBMIT)
    dform = R.choice(DEPT[dept])
    sheets, sents = [], []
    for p in parts:
        if isinstance(p, tuple):
            s, e = p
        else:
            p = dict(p)
            s, e = make_sheet(dept, p.pop("name"), p.pop("keys"), p.pop("n", 0), p.pop("cats", ["B1"]),
                              p.pop("layout", {}), submit=submit, dform=p.pop("dform", dform), **p)
        sheets.append(s)
        sents.append(e)
    entry = {"is_ledger": True, "disposition": "processed", "department": dept, "department_evidence": evidence,
             "format": "xlsx", "sheets": sents, "notes": notes or [], "submitted": submit.isoformat()}
    entry.update(extra_fields or {})
    register(fname, entry, sheets, writer, active)
    return entry


def extra_value(text, rec):
    if "电话" in text or "联系方式" in text:
        return "13%d" % R.randint(100000000, 999999999)
    if "联系人" in text or "法定代表人" in text or text in ("录入人", "核查人"):
        return person()
    if "乡镇" in text:
        return R.choice(["堂街镇", "薛店镇", "冢头镇", "安良镇", "长桥镇", "茨芭镇", "龙山街道"])
    if "地址" in text:
        return "郏县" + R.choice(["广阔路", "紫云路", "龙山大道", "东环路", "人民路"]) + "%d号" % R.randint(1, 300)
    if "法官" in text:
        return person()
    if "庭" in text:
        return R.choice(["民一庭", "民二庭", "行政审判庭", "立案庭"])
    if text.startswith("是否"):
        return R.choice(["是", "否", "否"])
    return None


def zero_sheet(dept, name, keys, layout, *, submit, dform, zero_text=None, zero_merge=True, footers=()):
    sh, ent = make_sheet(dept, name, keys, 0, ["B1"], dict(layout), submit=submit, dform=dform)
    r = max(rr for rr, cc in sh.cells) + 1
    c0 = layout.get("start_col", 1)
    if zero_text:
        ncol = len(ent["columns"])
        if zero_merge:
            sh.set(r, c0, zero_text)
            sh.merge(r, c0, r, c0 + ncol - 1)
        else:
            # 无 written into the company / description cells
            for i, cd in enumerate(ent["column_details"]):
                if cd["key"] == "seq":
                    sh.set(r, c0 + i, 1)
                elif cd["key"] in ("company", "description"):
                    sh.set(r, c0 + i, zero_text)
        ent["zero_row"] = r
        r += 1
    for f in footers:
        r += 1
        sh.set(r, c0, f)
        ent.setdefault("footer_rows", []).append(r)
    ent["zero_report"] = True
    return sh, ent


def zero_file(fname, dept, keys, layout, zero_text, *, zero_merge=True, footers=(), evidence="填报单位 line",
              notes=None, writer="openpyxl", sheet_name="台账"):
    submit = R.choice(SUBMIT)
    dform = R.choice(DEPT[dept])
    sh, ent = zero_sheet(dept, sheet_name, keys, layout, submit=submit, dform=dform, zero_text=zero_text,
                         zero_merge=zero_merge, footers=footers)
    entry = {"is_ledger": True, "disposition": "zero_report", "department": dept, "department_evidence": evidence,
             "format": "xlsx", "sheets": [ent], "notes": (notes or []) + ["零报告 (zero report): counts as reported with 0 items."],
             "zero_report": True, "submitted": submit.isoformat()}
    register(fname, entry, [sh], writer)


def nonledger_file(fname, dept, title, fill, header, rowfn, n, *, notes, sheet_name="Sheet1", writer="openpyxl",
                   extra_sheets=()):
    sh = Sheet(sheet_name)
    r = 1
    if title:
        sh.set(r, 1, title)
        sh.merge(r, 1, r, len(header))
        r += 1
    if fill:
        sh.set(r, 1, fill)
        r += 1
    hr = r
    for i, h in enumerate(header):
        sh.set(r, i + 1, h)
    r += 1
    for k in range(n):
        for i, v in enumerate(rowfn(k)):
            sh.set(r, i + 1, v)
        r += 1
    ents = [{"name": sheet_name, "role": "not_ledger", "header_rows": [hr], "columns": {h: None for h in header},
             "data_rows": 0, "rows": [], "table_rows": n, "column_details": []}]
    sheets = [sh]
    for s, e in extra_sheets:
        sheets.append(s)
        ents.append(e)
    entry = {"is_ledger": False, "disposition": "rejected", "department": dept,
             "department_evidence": "(not a ledger)" + ("" if dept else "; no department identifiable either"),
             "format": "xlsx", "sheets": ents, "notes": notes}
    register(fname, entry, sheets, writer)


GOV = ["郏县人民政府", "郏县住房和城乡建设局", "郏县堂街镇人民政府", "郏县自然资源局", "郏县交通运输局",
       "郏县产业集聚区管理委员会", "郏县教育体育局", "郏县水利局", "郏县薛店镇人民政府", "郏县财政局"]


def main():
    if os.path.isdir(INBOX):
        shutil.rmtree(INBOX)
    os.makedirs(INBOX)
    S = SUBMIT

    # 1 发改委: full template-like set, grouped header, number row, 合计
    ledger_file("发改委政务失信问题排查整治台账.xlsx", "县发展和改革委员会", [dict(
        name="台账", keys=KEYSETS["full"], n=7, cats=["B1", "B2", "B5", "A1", "B3", "B5", "A2"],
        layout=dict(title=True, fill="full", number_row="arabic", total_row=True, cat_style="full",
                    footers=[["单位负责人：" + person(), "审核人：" + person(), "填表人：" + person()]]),
        groups=("ent", "prob", "resp", "fix"), errors=[(4, "bad_uscc")])],
        notes=["Four parent groups over child headers; column-number row 1..21; 合计 row."])

    # 2 财政局: 金额单位：元 above the table, （一）（二） numbers, XlsxWriter
    ledger_file("县财政局排查整治台账（第48周）.xlsx", "县财政局", [dict(
        name="Sheet1", keys=KEYSETS["dispute"], n=8, cats=["B5", "B5", "B5", "B1", "B5", "B2", "B5", "B5"],
        layout=dict(title="郏县财政局政务失信问题排查整治台账", fill="stamp", unit_line="金额单位：元",
                    number_row="paren_cn", cat_style="code", blank_after=[3],
                    footers=["注：金额单位为元。", ["审核人：" + person(), "填报人：" + person()]]),
        errors=[(2, "blank_status")])], writer="xlsxwriter", evidence="填报单位（盖章） line",
        notes=["Amount headers carry no unit; the line 金额单位：元 says values are 元.", "One blank row inside the data."])

    # 3 住建局: two data sheets (案件 / 纠纷) + hidden dropdown sheet; merged 责任单位 cells
    zj_forms = ["县住建局建管股", "县住建局城建股", "县住建局房管中心"]
    ledger_file("郏县住房和城乡建设局政务失信问题台账（更新）.xlsx", "县住房和城乡建设局", [
        dict(name="案件类", keys=KEYSETS["cases"], n=6, cats=["A1", "A1", "A2", "A1", "A2", "A2"],
             layout=dict(title="郏县住房和城乡建设局涉政府案件台账", fill="full", merge_down="owner_unit"),
             owner_forms=zj_forms[:2], groups=("prob", "fix")),
        dict(name="纠纷类", keys=KEYSETS["dispute"], n=7, cats=["B1", "B5", "B5", "B3", "B2", "B5", "B1"],
             layout=dict(title="郏县住房和城乡建设局政务失信纠纷问题台账", fill="full", cat_style="codeshort",
                         merge_down="owner_unit"), owner_forms=zj_forms, errors=[(5, "blank_cat")]),
        list_sheet("下拉选项")],
        notes=["Two data sheets; hidden sheet 下拉选项 holds dropdown lists and must be skipped.",
               "责任单位 cells merged down runs of equal values."])

    # 4 水利局: one sheet per year, text amounts
    sub = S[2]
    ledger_file("水利局失信问题台账2025-2026.xlsx", "县水利局", [
        dict(name="2025年", keys=["seq", "category", "company", "description", "case_no", "amount", "occurred_on",
                                  "owner_person", "measures", "deadline", "status", "closed_on"], n=5,
             cats=["A1", "B5", "B5", "A2", "B3"], layout=dict(title="2025年度政务失信问题台账", fill="short",
                                                              cat_style="short", amount_text=0.6), errors=[(0, "no_case")]),
        dict(name="2026年", keys=["seq", "category", "company", "description", "case_no", "amount", "occurred_on",
                                  "owner_person", "measures", "deadline", "status", "closed_on"], n=4,
             cats=["B5", "B1", "A1", "B5"], layout=dict(title="2026年度政务失信问题台账", fill="short",
                                                        cat_style="short", amount_text=0.6))],
        submit=sub, notes=["One sheet per year, each with its own header.",
                           "2025年 row 1 is an A1 row whose 案号 cell is blank (error)."])
    for s in FILES["水利局失信问题台账2025-2026.xlsx"]["sheets"]:
        pass

    # 5 交通局: no 填报单位 line (title only), shuffled columns, extra columns
    ledger_file("交通局报送表.xlsx", "县交通运输局", [dict(
        name="交通运输局", keys=KEYSETS["mid"], n=6, cats=["B5", "B5", "A1", "B3", "B1", "B5"],
        layout=dict(title="郏县交通运输局政务失信问题排查台账", cat_style="full"), shuffle=True,
        extras=["联系人", "联系方式"])], evidence="title line and file name (no 填报单位 line)",
        notes=["Columns in an unusual order; 联系人/联系方式 are extra columns."])

    # 6 自然资源局: 郟 and full-width spaces in the 填报单位 line; seed wording as category
    ledger_file("自然资源局政务失信排查整治台账.xlsx", "县自然资源局", [dict(
        name="台账", keys=["seq", "category", "company", "uscc", "sector", "description", "amount", "occurred_on",
                         "owner_unit", "owner_person", "approach", "measures", "deadline", "status", "note"],
        n=6, cats=["B3", "B3", "B4", "B3", "B2", "B1"],
        layout=dict(title="郟县自然资源局政务失信问题台账", dept_form="郟县自然资源局", fill="full", cat_style="label",
                    blank_before_header=True))], evidence="填报单位 line written with 郟",
        notes=["Category cells are the full label without the code.", "A blank row between the 填报单位 line and the header."])

    # 7 商务局: instructions sheet first, B4 heavy, 单位：万元 line
    st, se = instr_sheet("填表说明", INSTR)
    ledger_file("商务局招商引资领域政务失信台账.xlsx", "县商务局", [(st, se), dict(
        name="台账", keys=["seq", "company", "uscc", "company_type", "category", "description", "amount",
                         "occurred_on", "owner_unit", "approach", "measures", "deadline", "status", "paid"],
        n=5, cats=["B4", "B4", "B2", "B4", "B1"],
        layout=dict(title=True, fill="tianbiao", unit_line="单位：万元", cat_style="fullnospace"))], active=1,
        evidence="填表单位 line (not 填报单位)",
        notes=["Instructions sheet first; 单位：万元 above a table whose amount headers have no unit."])

    # 8 工信局: XlsxWriter, two-row header, units row
    ledger_file("工信局排查情况汇总.xlsx", "县工业和信息化局", [dict(
        name="排查情况", keys=["seq", "company", "uscc", "company_type", "category", "description", "amount",
                           "occurred_on", "owner_person", "measures", "deadline", "status", "paid", "closed_on"],
        n=6, cats=["B1", "B5", "B3", "B1", "B2", "B5"],
        layout=dict(title=True, fill="split", unit_row=True, cat_style="code"), groups=("ent", "fix"),
        errors=[(1, "bad_uscc")])], writer="xlsxwriter", evidence="填报单位 split over cells",
        notes=["Units row (万元 / 年月日) under a two-row header."])

    # 9 信访局: numbers as text, source 信访
    ledger_file("县信访局涉企信访事项台账.xlsx", "县信访局", [dict(
        name="涉企信访", keys=["seq", "item_id", "company", "source", "category", "description", "occurred_on", "owner_unit",
                           "owner_person", "measures", "deadline", "status", "note"],
        n=6, cats=["B1", "B5", "B5", "B2", "B1", "B3"], owner_forms=GOV[1:],
        layout=dict(title=True, fill="full", number_row="arabic_s", cat_style="para"),
        extras=["企业联系人"])], notes=["Category cells in paraphrase (新官不理旧账, 资金紧张拖欠 …)."])

    # 10 人社局: table starts in column B
    ledger_file("人社局政务失信问题台账.xlsx", "县人力资源和社会保障局", [dict(
        name="Sheet1", keys=KEYSETS["small"], n=4, cats=["B5", "B1", "B5", "B2"],
        layout=dict(title=True, fill="baosong", start_col=2, cat_style="codeshort"))],
        evidence="报送单位 line", notes=["Table starts in column B."])

    # 11 文广旅局: 单位：万元 + merged title + total
    ledger_file("文广旅局 政务失信问题台账.xlsx", "县文化广电和旅游局", [dict(
        name="文广旅", keys=["seq", "item_id", "category", "company", "description", "amount", "paid", "owner_unit",
                          "owner_person", "measures", "deadline", "status", "closed_on"],
        n=5, cats=["B1", "B3", "B5", "B1", "B5"],
        layout=dict(title=True, fill="full", unit_line="单位：万元", total_row=True, cat_style="short"))],
        notes=["单位：万元 line; amount headers without unit; 合计 row."])

    # 12 + 13 法院: earlier file (执行 only) superseded by the later file (执行 + 诉讼 + 说明)
    court_fc = {"company": ("申请执行企业", None), "owner_unit": ("被执行单位", None),
                "description": ("执行案件基本情况", None), "amount": ("申请执行标的（万元）", "wan"),
                "paid": ("已执结金额（万元）", "wan"), "deadline": ("计划执结时间", None)}
    exec_keys = ["seq", "case_no", "company", "owner_unit", "amount", "paid", "occurred_on", "description",
                 "status", "deadline", "note"]
    recs_exec = gen_records("县人民法院", 7, ["A1"], owner_forms=GOV)
    for rr in recs_exec:
        rr["description"] = describe("A1", rr["company"], rr["owner_unit"])
    import copy
    early = copy.deepcopy(recs_exec[:5])
    ledger_file("郏县人民法院涉政府执行案件台账（11.23）.xlsx", "县人民法院", [dict(
        name="执行案件", keys=exec_keys, recs=early, layout=dict(title="涉党政机关执行案件台账", fill="full"),
        forced=court_fc)], submit=d(2026, 11, 23),
        notes=["Earlier court submission; superseded by the 11.27 file."],
        extra_fields={"disposition": "superseded", "superseded_by": "郏县人民法院涉政府机关案件台账（11.27）.xlsx"})
    lit_fc = {"company": ("起诉企业", None), "owner_unit": ("被诉单位", None), "description": ("案件事由", None),
              "amount": ("诉讼请求金额（万元）", "wan"), "court": ("审理法院（庭）", None)}
    recs_lit = gen_records("县人民法院", 6, ["A2"], owner_forms=GOV)
    for rr in recs_lit:
        rr["description"] = R.choice(["建设工程施工合同纠纷", "买卖合同纠纷", "行政协议纠纷", "服务合同纠纷",
                                      "建设工程价款优先受偿权纠纷", "租赁合同纠纷"])
        rr["status"] = None
    si, sie = instr_sheet("说明", ["说明：", "1.执行案件、诉讼案件分表填报。", "2.案号按裁判文书格式填写。"])
    ledger_file("郏县人民法院涉政府机关案件台账（11.27）.xlsx", "县人民法院", [
        (si, sie),
        dict(name="执行案件", keys=exec_keys, recs=recs_exec, layout=dict(title="涉党政机关执行案件台账", fill="full",
                                                                     total_row=True), forced=court_fc),
        dict(name="诉讼案件", keys=["seq", "case_no", "company", "owner_unit", "description", "amount",
                                "occurred_on", "court", "x:承办庭室", "x:主审法官"], recs=recs_lit,
             layout=dict(title="涉党政机关诉讼案件台账", fill="full"), forced=lit_fc)],
        submit=d(2026, 11, 27), notes=["诉讼案件 has no category and no status column: A2 from 案号; status blank.",
                                       "Both court files share 5 execution cases."])

    # 14 产业集聚区: instructions sheet, section rows, grouped
    st, se = instr_sheet("填报要求", INSTR[:4])
    ledger_file("产业集聚区政务失信问题清单（管委会）.xlsx", "县产业集聚区管理委员会", [(st, se), dict(
        name="问题台账", keys=["seq", "company", "uscc", "company_type", "category", "description", "case_no",
                           "court", "amount", "occurred_on", "owner_person", "approach", "measures", "deadline", "status"],
        n=7, cats=["A1", "A2", "B4", "B4", "B1", "B2", "B4"],
        layout=dict(title=True, fill="full", sections={0: "一、涉诉案件", 2: "二、合同纠纷"}, cat_style="full"),
        groups=("ent", "prob", "fix"))], active=1,
        notes=["Section rows 一、… 二、… inside the data are not data rows."])

    # 15 龙山街道: merged 责任人 cells, 备注, shuffled
    ledger_file("龙山街道办事处政务失信台账.xlsx", "龙山街道办事处", [dict(
        name="龙山街道", keys=KEYSETS["town"], n=6, cats=["B5", "B1", "B5", "B3", "B5", "B2"],
        layout=dict(title=True, fill="full", merge_down="owner_person", cat_style="code"))],
        notes=["责任人 merged down equal runs (if any)."])

    # 16 东城街道: 单位名称 line, shuffled, bad amount text
    ledger_file("东城街道台账.xlsx", "东城街道办事处", [dict(
        name="台账", keys=KEYSETS["mid"], n=5, cats=["B1", "B5", "A2", "B3", "B5"],
        layout=dict(title=True, fill="danwei", cat_style="short"), shuffle=True, errors=[(3, "bad_amount")])],
        evidence="单位名称 line", notes=["Row 4 has an unreadable amount (约数十万): error."])

    # 17 + 18 堂街镇: two versions; grouped + numbered
    tj_keys = KEYSETS["town"]
    tj = gen_records("堂街镇人民政府", 6, ["B5", "B1", "B3", "B5", "B2", "B1"])
    tj_early = copy.deepcopy(tj[:4])
    ledger_file("堂街镇政务失信问题排查台账（11.24）.xlsx", "堂街镇人民政府", [dict(
        name="堂街镇", keys=tj_keys, recs=tj_early, layout=dict(title=True, fill="full", number_row="arabic",
                                                              cat_style="full"), groups=("ent", "fix"))],
        submit=d(2026, 11, 24), extra_fields={"disposition": "superseded",
                                             "superseded_by": "堂街镇政务失信问题排查台账（11.26修改）.xlsx"},
        notes=["Earlier version (填报日期 11.24)."])
    ledger_file("堂街镇政务失信问题排查台账（11.26修改）.xlsx", "堂街镇人民政府", [dict(
        name="堂街镇", keys=tj_keys, recs=tj, layout=dict(title=True, fill="full", number_row="arabic",
                                                        cat_style="full"), groups=("ent", "fix"))],
        submit=d(2026, 11, 26), notes=["Later version: replaces the 11.24 file."])

    # 19 薛店镇: split 填报单位, 元 amounts
    ledger_file("薛店镇政务失信排查表（11月份）.xlsx", "薛店镇人民政府", [dict(
        name="排查台账", keys=["seq", "category", "company", "uscc", "description", "amount", "paid", "occurred_on",
                           "owner_unit", "owner_person", "measures", "deadline", "status", "closed_on", "note"],
        n=5, cats=["B5", "B5", "B1", "B3", "B5"],
        forced={"amount": ("拖欠金额（元）", "yuan"), "paid": ("已付款（元）", "yuan")},
        layout=dict(title=True, fill="split", cat_style="codeshort"), errors=[(2, "bad_uscc")])],
        evidence="填报单位 split over cells", notes=["Amounts in 元 (headers say 元)."])

    # 20 冢头镇: no category column, 郟 in title, file name evidence too
    ledger_file("冢头镇政务失信问题台账.xlsx", "冢头镇人民政府", [dict(
        name="Sheet1", keys=["seq", "company", "description", "amount", "occurred_on", "owner_person", "measures",
                           "deadline", "status"], n=5, cats=["B5", "B3", "B5", "B1", "B4"],
        layout=dict(title="郟县冢头镇政务失信问题排查表", fill="short", dept_form="郟县冢头镇人民政府"))],
        notes=["No category column: category from the wording of 问题描述."])

    # 21 安良镇: number row + units row + grouped, missing description (error)
    ledger_file("安良镇政府失信问题整治台账.xlsx", "安良镇人民政府", [dict(
        name="台账", keys=KEYSETS["dispute"], n=6, cats=["B1", "B5", "B2", "B5", "B3", "B1"],
        layout=dict(title=True, fill="stamp", number_row="arabic", unit_row=True, cat_style="full"),
        groups=("ent", "fix"), errors=[(4, "no_description")])], evidence="填报单位（盖章） line",
        notes=["Column-number row and units row under a two-row header.", "One row without 问题描述 (error)."])

    # 22 长桥镇: file name only
    ledger_file("附件1-长桥镇政务失信问题排查表.xlsx", "长桥镇人民政府", [dict(
        name="Sheet1", keys=KEYSETS["small"], n=4, cats=["B5", "B1", "B5", "B3"],
        layout=dict(title="政务失信问题台账", cat_style="code"))], evidence="file name only",
        notes=["No 填报单位 line, generic title; the department is in the file name only."])

    # 23 茨芭镇: pre-filled ledger with 问题编号
    ledger_file("茨芭镇政务失信问题台账（预填）.xlsx", "茨芭镇人民政府", [dict(
        name="台账", keys=KEYSETS["pre"], n=5, cats=["B5", "B1", "A1", "B5", "B2"],
        layout=dict(title=True, fill="full", cat_style="full"), errors=[(1, "blank_cat")])],
        notes=["Has a 问题编号 column (a pre-filled template); one category cell is blank (inferred)."])

    # 24 李口镇: 报送单位, XlsxWriter, shuffled + extras, negative amount
    ledger_file("李口镇人民政府报送政务失信台账.xlsx", "李口镇人民政府", [dict(
        name="李口镇", keys=KEYSETS["town"], n=5, cats=["B1", "B5", "B5", "B3", "B2"],
        layout=dict(title=True, fill="baosong", cat_style="short", amount_text=0.5), shuffle=True,
        extras=["法定代表人", "企业地址"], errors=[(2, "negative_amount")])], writer="xlsxwriter",
        evidence="报送单位 line", notes=["Shuffled columns; one negative amount (error)."])

    # 25 王集乡: one sheet per year + hidden sheet
    ledger_file("王集乡历年政务失信问题台账.xlsx", "王集乡人民政府", [
        dict(name="2024年", keys=["seq", "company", "category", "description", "amount", "owner_person",
                                  "measures", "deadline", "status", "closed_on"], n=3, cats=["B5", "B1", "B5"],
             layout=dict(title="王集乡2024年政务失信问题台账", fill="full", cat_style="code")),
        dict(name="2025年", keys=["seq", "company", "category", "description", "amount", "owner_person",
                                  "measures", "deadline", "status", "closed_on"], n=3, cats=["B3", "B5", "B2"],
             layout=dict(title="王集乡2025年政务失信问题台账", fill="full", cat_style="code")),
        dict(name="2026年", keys=["seq", "item_id", "company", "category", "description", "amount", "owner_person",
                                  "measures", "deadline", "status", "closed_on"], n=4, cats=["B5", "B5", "B1", "B4"],
             layout=dict(title="王集乡2026年政务失信问题台账", fill="full", cat_style="code", total_row=True)),
        list_sheet("字典")], notes=["Three year sheets and a hidden 字典 sheet."])

    # 26 渣园乡: blank rows, errors
    ledger_file("渣园乡政务失信问题清单.xlsx", "渣园乡人民政府", [dict(
        name="渣园乡", keys=["seq", "category", "company", "uscc", "source", "description", "amount",
                          "occurred_on", "owner_unit", "owner_person", "measures", "deadline", "status", "paid"],
        n=6, cats=["B5", "B1", "B5", "B3", "B2", "B5"],
        layout=dict(title=True, fill="full", blank_after=[1, 3], cat_style="fullnospace"),
        errors=[(1, "no_company"), (3, "bad_deadline"), (5, "blank_status")])],
        notes=["Blank rows inside the data; a row without 企业名称 and a row with an unreadable deadline (errors)."])

    # 27 姚庄回族乡: 合计 + footnote, item ids, court columns
    ledger_file("姚庄乡政务失信排查整治情况表.xlsx", "姚庄回族乡人民政府", [dict(
        name="台账", keys=["seq", "item_id", "category", "company", "description", "case_no", "court", "amount",
                         "occurred_on", "owner_person", "measures", "deadline", "status", "closed_on", "note"],
        n=5, cats=["A1", "B5", "A2", "B1", "B5"],
        layout=dict(title=True, fill="full", total_row=True, cat_style="label",
                    footers=["注：1.本表每周五报县信用办；2.金额单位为万元。", "审核人：%s    填表人：%s" % (person(), person())]))],
        notes=["合计 row and two footer lines."])

    # ------------------------------------------------------------ zero reports
    zero_file("县市场监管局失信问题排查表.xlsx", "县市场监督管理局",
              ["seq", "category", "company", "description", "amount", "owner_unit", "measures", "deadline", "status"],
              dict(title=True, fill="full"), "本期无新增", notes=["本期无新增 written across the table."])
    zero_file("司法局零报告.xlsx", "县司法局",
              ["seq", "company", "category", "description", "owner_person", "deadline", "status", "note"],
              dict(title=True, fill="stamp"), None, footers=["填报人：%s" % person()], evidence="填报单位（盖章） line",
              notes=["Header and a footer only, no data row."])
    zero_file("黄道镇零报告.xlsx", "黄道镇人民政府",
              ["seq", "company", "description", "amount", "measures", "status"],
              dict(title="黄道镇政务失信问题台账"), "无", zero_merge=False, evidence="title line and file name",
              notes=["无 written in the company and description cells."])
    zero_file("广阔天地乡零报告.xlsx", "广阔天地乡人民政府",
              ["seq", "category", "company", "uscc", "description", "amount", "owner_person", "deadline", "status"],
              dict(title=True, fill="full", number_row="arabic"), "经排查，我乡无相关政务失信问题",
              notes=["经排查无… sentence merged across the table, below a column-number row."])
    zero_file("白庙乡政务失信问题台账.xlsx", "白庙乡人民政府",
              ["seq", "company", "category", "description", "owner_person", "measures", "deadline", "status"],
              dict(title=True, fill="short"), "本期无新增问题", writer="xlsxwriter",
              notes=["本期无新增问题 merged across the table."])

    # ------------------------------------------------------------ not ledgers
    nonledger_file("县卫健委2026年卫生院设备采购明细.xlsx", "县卫生健康委员会", "2026年乡镇卫生院设备采购明细表",
                   "填报单位：郏县卫生健康委员会", ["序号", "设备名称", "类型", "数量", "金额（万元）", "采购时间", "状态", "备注"],
                   lambda k: [k + 1, R.choice(["B超机", "DR机", "心电图机", "全自动生化分析仪", "救护车"]),
                              R.choice(["医疗设备", "车辆"]), R.randint(1, 5), round(R.uniform(5, 90), 2),
                              fmt_date(rand_date(2026, 2026), "iso"), R.choice(["已到货", "招标中", "已验收"]), None],
                   8, notes=["equipment purchase list; generic 序号/类型/金额/时间/状态/备注 headers"])
    nonledger_file("政务服务事项清单.xlsx", "县政务服务和大数据管理局", "郏县政务服务事项目录清单",
                   "报送单位：郏县政务服务和大数据管理局", ["序号", "事项名称", "事项类型", "承诺时限（工作日）", "收费金额",
                                                    "实施主体", "办理情况", "备注"],
                   lambda k: [k + 1, R.choice(["食品经营许可", "建筑工程施工许可证核发", "个体工商户登记", "道路运输经营许可",
                                               "取水许可", "排水许可"]) + ("（变更）" if k % 3 == 0 else ""),
                              R.choice(["行政许可", "公共服务", "行政确认"]), R.choice([1, 3, 5, 10, 15]), 0,
                              R.choice(["县市场监管局", "县住建局", "县交通局", "县水利局"]), "在办", None],
                   10, notes=["service catalogue; 实施主体 holds department names"])
    nonledger_file("环卫车辆维修记录.xlsx", "县城市管理局", "城管局环卫车辆维修登记表", "单位：郏县城市管理局",
                   ["序号", "车牌号", "维修类型", "维修时间", "维修单位", "金额（元）", "状态", "备注"],
                   lambda k: [k + 1, "豫D%05d" % R.randint(10000, 99999), R.choice(["保养", "大修", "更换轮胎"]),
                              fmt_date(rand_date(2026, 2026), "cn"), company_name(), R.randint(300, 9000),
                              R.choice(["已完成", "维修中"]), None],
                   7, notes=["vehicle repair log; 维修单位 holds company names, 状态 holds 已完成"])
    nonledger_file("学校安全隐患排查整改台账.xlsx", "县教育体育局", "郏县中小学校园安全隐患排查整改台账",
                   "填报单位：郏县教育体育局　　填报日期：2026年11月25日",
                   ["序号", "学校名称", "隐患类型", "隐患描述", "整改措施", "整改时限", "责任人", "整改状态"],
                   lambda k: [k + 1, R.choice(["郏县第一初级中学", "郏县实验小学", "堂街镇中心小学", "郏县第三高级中学"]),
                              R.choice(["消防", "用电", "校舍"]), R.choice(["灭火器过期", "教室电线老化", "围墙局部开裂"]),
                              R.choice(["立即更换", "聘请专业人员维修"]), fmt_date(rand_date(2026, 2026), "iso"),
                              person(), R.choice(["整改中", "已完成"])],
                   6, notes=["a safety-hazard ledger (ledger-like: 整改措施/整改时限/整改状态) without 企业名称: not this ledger"])
    nonledger_file("2026年衔接资金项目拨付明细.xlsx", "县农业农村局", "2026年衔接推进乡村振兴补助资金拨付明细",
                   "填报单位：郏县农业农村局", ["序号", "项目名称", "类型", "实施单位", "拨付金额（万元）", "拨付时间", "状态"],
                   lambda k: [k + 1, R.choice(PROJECTS) + "项目", R.choice(["基础设施", "产业发展"]),
                              company_name(), round(R.uniform(10, 300), 1), fmt_date(rand_date(2026, 2026), "dot"),
                              R.choice(["已拨付", "待拨付"])],
                   9, notes=["fund disbursement list; 实施单位 holds company names, amounts and dates"])
    nonledger_file("统计表.xlsx", None, None, None, ["序号", "类型", "时间", "金额", "状态", "备注"],
                   lambda k: [k + 1, R.choice(["办公用品", "印刷费", "差旅费"]), fmt_date(rand_date(2026, 2026), "slash"),
                              round(R.uniform(100, 5000), 2), "已报销", None],
                   12, notes=["bare generic table with no department anywhere"])
    nonledger_file("附件3.xlsx", None, "信用工作培训会议经费预算表", None,
                   ["序号", "项目", "类型", "单价（元）", "数量", "金额（元）", "备注"],
                   lambda k: [k + 1, R.choice(["场地租赁", "资料印刷", "专家劳务", "茶歇"]), R.choice(["会议费", "劳务费"]),
                              R.randint(50, 800), R.randint(1, 60), R.randint(500, 20000), None],
                   6, notes=["meeting budget (credit training) — title mentions 信用 but not a ledger"])
    ds, de = instr_sheet("导出说明", ["本表由系统自动导出，请勿修改格式。"])
    nonledger_file("导出数据(1).xlsx", None, None, None, ["序号", "编号", "名称", "类型", "创建时间", "状态", "金额"],
                   lambda k: [k + 1, "SJ%06d" % R.randint(1, 999999), R.choice(["数据目录", "接口", "库表"]) + str(k + 1),
                              R.choice(["共享", "开放"]), fmt_date(rand_date(2025, 2026), "iso"), "正常", 0],
                   10, sheet_name="data", extra_sheets=[(ds, de)], notes=["system export with generic headers"])

    # ------------------------------------------------------------ empty workbook and lock file
    empty = "新建 Microsoft Excel 工作表.xlsx"
    register(empty, {"is_ledger": False, "disposition": "ignored", "department": None,
                     "department_evidence": "no cells at all and no department", "format": "xlsx",
                     "sheets": [{"name": "Sheet1", "role": "empty", "columns": {}, "data_rows": 0, "rows": [],
                                 "column_details": []}],
                     "notes": ["Empty workbook (no cells) with no department: ignored (interface.md)."]},
             [Sheet("Sheet1")])
    lock = "~$发改委政务失信问题排查整治台账.xlsx"
    owner = "Administrator".encode("ascii")
    blob = bytes([len(owner)]) + owner + b"\x00" * (54 - len(owner)) + bytes([len("Administrator")]) + b"\x00" + \
        "Administrator".encode("utf-16-le") + b"\x00" * (110 - 2 * len("Administrator"))
    open(os.path.join(INBOX, lock), "wb").write(blob[:165].ljust(165, b"\x00"))
    FILES[lock] = {"is_ledger": False, "disposition": "ignored", "ignored": True, "department": None,
                   "department_evidence": "editor lock file (~$ prefix)", "format": "lock", "sheets": [],
                   "data_rows": 0, "notes": ["Office lock file: must be ignored."]}
    ORDER.append(lock)

    write_key()


def write_key():
    files = {n: FILES[n] for n in ORDER}
    import collections
    cats = collections.Counter()
    hdr_total = 0
    distinct = set()
    distinct_null = set()
    per_key = collections.defaultdict(set)
    data_rows = err = withcat = 0
    for n, f in files.items():
        if f.get("disposition") not in ("processed", "superseded", "zero_report"):
            continue
        for s in f["sheets"]:
            if s["role"] != "data":
                continue
            for h, k in s["columns"].items():
                hdr_total += 1
                if k:
                    distinct.add(h)
                    per_key[k].add(h)
                else:
                    distinct_null.add(h)
            if f["disposition"] == "superseded":
                continue
            for r in s["rows"]:
                data_rows += 1
                err += r["expected_error"] is not None
                if r["category"]:
                    withcat += 1
                    cats[r["category"]] += 1
    disp = collections.Counter(f["disposition"] for f in files.values())
    sheets_total = sum(len(f["sheets"]) for f in files.values())
    data_sheets = sum(1 for f in files.values() for s in f["sheets"] if s["role"] == "data")
    summary = {
        "files": len(files), "ledgers": sum(1 for f in files.values() if f["is_ledger"]),
        "zero_reports": disp["zero_report"], "not_ledgers": disp["rejected"],
        "ignored": disp["ignored"], "superseded": disp["superseded"], "processed": disp["processed"],
        "dispositions": dict(sorted(disp.items())),
        "xlsx": sum(1 for f in files.values() if f["format"] == "xlsx"),
        "sheets": sheets_total, "data_sheets": data_sheets,
        "data_rows": data_rows,
        "data_rows_note": "rows of processed files only; superseded files' rows are keyed but not counted here",
        "superseded_data_rows": sum(f["data_rows"] for f in files.values() if f["disposition"] == "superseded"),
        "expected_error_rows": err, "rows_with_category": withcat,
        "ledger_headers": hdr_total,
        "distinct_ledger_header_texts": len(distinct),
        "distinct_nonledger_column_headers_in_ledgers": len(distinct_null),
        "distinct_header_texts_per_key": {k: len(v) for k, v in sorted(per_key.items(), key=lambda x: list(STD).index(x[0]))},
        "category_counts": dict(sorted(cats.items())),
    }
    key = {"_about": "Answer key for tests/data/blind2/inbox (see README.md). Generated by make.py.",
           "files": files, "summary": summary, "standard_columns": STD,
           "conventions": {
               "columns": "sheet.columns maps the exact header cell text (the leaf cell of a two-row header; line breaks kept as \\n) to the standard key, or null for a column that is not a ledger column. columns_standard_name gives the standard's Chinese name. column_details[].alt lists other keys a reasonable reader could accept.",
               "disposition": "expected run.json disposition: processed | zero_report | superseded | rejected | ignored.",
               "rows": "data_rows counts real data rows (not title/填报单位/header/number/unit/section/合计/footer/blank rows). Rows with expected_error are data rows that the standard says must be returned.",
               "values": "values hold what the clerk meant, normalised: amounts in 万元 (amount_wan/paid_wan), dates ISO, status one of 未启动/整改中/已办结 (null = blank cell or no status column), company as written.",
               "amount_units": "sheet.amount_units says whether each amount column was written in wan (万元) or yuan (元).",
               "category": "category = intended category; category_basis says where it can be read from (category column, case number, or description wording).",
               "roles": "sheet roles: data / instructions / hidden (hidden dropdown-list sheet) / empty / not_ledger.",
               "department": "canonical registry name from ledger-standard.md §5."}}
    with open(os.path.join(HERE, "answer_key.json"), "w", encoding="utf-8") as fh:
        json.dump(key, fh, ensure_ascii=False, indent=1, default=str)
        fh.write("\n")
    print(json.dumps(summary, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
