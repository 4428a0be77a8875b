#!/usr/bin/env python
"""Blind held-out set #2: hand-style county ledgers for the 政务失信 pipeline.

Written without reading the project's code, config or tests; only
shared/ledger-standard.md and shared/seed/ were consulted.

Run:  /work/main/.venv/bin/python /work/heldout2/make.py
Writes /work/heldout2/inbox/* and /work/heldout2/answer_key.json (deterministic, seeded).
"""
import csv
import datetime as dt
import io
import json
import os
import random
import shutil

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

R = random.Random(20211125)
HERE = os.path.dirname(os.path.abspath(__file__))
INBOX = os.path.join(HERE, "inbox")

# --------------------------------------------------------------------------- standard
STD = {  # key -> standard column name (ledger-standard.md §2)
    "seq": "序号", "item_id": "问题编号", "category": "问题类别", "company": "企业名称",
    "uscc": "统一社会信用代码", "company_type": "企业类型", "sector": "所属领域",
    "source": "问题来源", "description": "问题描述", "case_no": "案号",
    "court": "审理（执行）法院", "amount": "涉及金额（万元）", "occurred_on": "发生（立案）日期",
    "owner_unit": "责任单位", "owner_person": "责任人", "approach": "处理方式",
    "measures": "整改措施", "deadline": "整改时限", "status": "整改状态",
    "paid": "已兑付金额（万元）", "closed_on": "办结日期", "note": "备注",
}
CAT_LABEL = {
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
CAT_PARA = {"A1": ["政府被执行案件", "被执行案件", "执行未完毕"],
            "A2": ["被诉未判决案件", "诉讼未判决", "政府被诉案件"],
            "B1": ["新官不理旧账", "不兑现承诺", "违反契约精神"],
            "B2": ["乱承诺", "违规乱承诺", "乱答应乱承诺"],
            "B3": ["规划调整", "政策变化", "因规划调整无法兑现"],
            "B4": ["招商引资政策不合规", "优惠政策不合规"],
            "B5": ["资金紧张", "财政资金困难", "资金紧张拖欠"]}
CAT_SEED = {"A1": "各级政府作为被执行人尚未执行完毕的案件",
            "A2": "各级政府作为被告法院已受理但尚未判决的案件",
            "B1": "违反契约精神，不讲诚信，不兑现承诺，\u201c新官不理旧账\u201d",
            "B2": "违反政策规定乱答应、乱承诺，导致合同、约定无法兑现",
            "B3": "因政策变化、规划调整，造成合同、约定无法兑现",
            "B4": "地方招商引资优惠政策不合规，与现行法律法规相悖",
            "B5": "地方政府财政资金紧张，导致所签合同、所作承诺无法兑现"}
STATUS_LISTED = {"未启动", "整改中", "已办结", "未整改", "推进中", "已完成", "已化解", "已解决"}
TODAY = dt.date(2021, 11, 25)

DEPTS = {}  # canonical name -> info


def dept(name, short, projects, units=None, sector="非工程建设"):
    full = ("郏" + name) if name.startswith("县") else ("郏县" + name)
    DEPTS[name] = dict(name=name, full=full, short=short, projects=projects,
                       units=units or [full], sector=sector)
    return DEPTS[name]


dept("县发展和改革委员会", "发改委", ["城乡环卫一体化PPP项目", "分布式光伏发电项目", "生物质热电联产项目",
                            "县域天然气利用工程", "县域物流园项目", "以工代赈项目"],
     ["县发改委", "县发改委投资股", "县发改委重点项目办"], "其他工程建设")
dept("县财政局", "财政局", ["政府购买服务项目", "城区亮化工程", "乡镇政府办公楼维修工程", "县城绿化提升工程",
                      "财政投资评审项目", "农村公路建设项目"], ["县财政局", "县财政局经建股", "县财政局预算股"])
dept("县住房和城乡建设局", "住建局", ["城区老旧小区改造工程", "棚户区改造安置房项目", "城区雨污分流改造工程",
                             "龙山大道改造提升工程", "县城集中供热管网工程", "保障性住房配套基础设施工程",
                             "城区背街小巷改造工程", "体育中心场馆建设项目"],
     ["县住建局", "县住建局城建股", "县住建局房管中心", "县住建局质监站"], "住建")
dept("县水利局", "水利局", ["北汝河郏县段治理工程", "蓝河综合治理工程", "农村安全饮水巩固提升工程",
                      "小型水库除险加固工程", "高效节水灌溉项目", "南水北调配套工程"],
     ["县水利局", "县水利局水建股", "县水利工程建设管理站"], "水利")
dept("县交通运输局", "交通局", ["郏县至宝丰公路改建工程", "农村公路村村通工程", "S241线改建工程",
                         "县乡道路大中修工程", "公交场站建设项目", "危桥改造工程"],
     ["县交通运输局", "县公路管理局", "县农村公路管理所"], "交通")
dept("县自然资源局", "自然资源局", ["土地整理项目", "国有建设用地使用权出让项目", "矿山地质环境治理项目",
                          "增减挂钩复垦项目", "砂石资源开采项目"], ["县自然资源局", "县自然资源局规划股", "县土地储备中心"], "非工程建设")
dept("县商务局", "商务局", ["招商引资项目", "电子商务进农村示范县项目", "商贸物流中心项目", "农贸市场改造项目"],
     ["县商务局", "县招商服务中心"])
dept("县工业和信息化局", "工信局", ["企业技术改造项目", "工业企业入园项目", "中小企业公共服务平台项目", "5G基站建设项目"],
     ["县工信局", "县工信局中小企业股"])
dept("县市场监督管理局", "市场监管局", [])
dept("县信访局", "信访局", [])
dept("县司法局", "司法局", [])
dept("县人力资源和社会保障局", "人社局", [])
dept("县教育体育局", "教体局", ["第二实验小学教学楼工程", "县一高新校区建设项目", "农村学校薄弱环节改善工程",
                         "中小学校舍维修改造工程", "学生营养餐配送服务", "体育场塑胶跑道工程"],
     ["县教体局", "县教体局计财股", "县教体局基建办"], "其他工程建设")
dept("县卫生健康委员会", "卫健委", ["县人民医院门诊楼建设项目", "乡镇卫生院改扩建工程", "医疗设备采购项目",
                            "村卫生室标准化建设项目"], ["县卫健委", "县人民医院", "县中医院"], "其他工程建设")
dept("县农业农村局", "农业农村局", ["高标准农田建设项目", "烟叶基地建设项目", "畜禽粪污资源化利用项目",
                          "郏县红牛养殖基地项目", "农业产业化扶持项目"], ["县农业农村局", "县农业综合开发办"], "非工程建设")
dept("县城市管理局", "城管局", ["城区环卫保洁服务项目", "垃圾中转站建设工程", "城区停车场建设项目",
                         "市政路灯维护项目", "城区公厕改造工程"], ["县城管局", "县环卫所", "县市政工程处"], "住建")
dept("县文化广电和旅游局", "文广旅局", ["三苏园景区提升工程", "临沣寨景区开发项目", "冢头古镇保护项目",
                              "钧瓷文化园项目", "文化惠民演出服务采购"], ["县文广旅局", "县文物保护中心"], "其他工程建设")
dept("县政务服务和大数据管理局", "政务服务局", [])
dept("县人民法院", "县法院", [])
dept("县产业集聚区管理委员会", "产业集聚区管委会", ["标准化厂房建设项目", "园区道路及管网工程", "电子信息产业园项目",
                                   "装备制造产业园项目", "园区供热管网项目"],
     ["县产业集聚区管委会", "产业集聚区招商局", "产业集聚区建设局"], "其他工程建设")
TOWN_PROJ = {
    "龙山街道办事处": ["辖区背街小巷硬化工程", "龙山社区综合服务中心项目", "城中村改造项目"],
    "东城街道办事处": ["东城安置社区建设项目", "辖区道路改造工程", "东城农贸市场项目"],
    "堂街镇人民政府": ["临沣寨周边环境整治工程", "镇区道路硬化工程", "美丽乡村建设项目"],
    "薛店镇人民政府": ["薛店工业园区道路工程", "镇区供水管网工程", "光伏扶贫电站项目"],
    "冢头镇人民政府": ["冢头古镇保护开发项目", "镇区集贸市场改造工程", "冢头镇污水处理项目"],
    "安良镇人民政府": ["安良镇区道路改造工程", "烟叶烤房建设项目", "村级活动场所建设项目"],
    "长桥镇人民政府": ["长桥镇区亮化工程", "高标准农田配套工程", "农村人居环境整治项目"],
    "茨芭镇人民政府": ["三苏园周边道路工程", "茨芭镇污水处理项目", "林果种植基地项目"],
    "黄道镇人民政府": ["黄道镇区改造工程", "小流域治理项目", "村村通道路工程"],
    "李口镇人民政府": ["李口镇敬老院改扩建工程", "镇区道路硬化工程", "蔬菜大棚建设项目"],
    "王集乡人民政府": ["王集乡政府办公楼维修工程", "乡村道路建设项目", "农村饮水安全工程"],
    "广阔天地乡人民政府": ["知青文化园项目", "乡区道路工程"],
    "渣园乡人民政府": ["渣园乡中心小学改造工程", "乡村道路硬化工程", "林业生态项目"],
    "白庙乡人民政府": ["白庙乡区道路工程"],
    "姚庄回族乡人民政府": ["清真食品产业园项目", "肉牛养殖小区建设项目", "乡区道路改造工程"],
}
for tn, pj in TOWN_PROJ.items():
    s = tn.replace("人民政府", "").replace("办事处", "")
    d = dept(tn, s + ("政府" if "政府" in tn else "办事处"), pj,
             [s + ("政府" if "政府" in tn else "办事处"), s + "财政所", s + "规划建设办", s + "党政办"], "其他工程建设")
    d["full"] = "郏县" + tn

# --------------------------------------------------------------------------- pools
PEOPLE = ("王建国 李红伟 张晓东 刘志强 陈丽娟 赵永生 杨帆 孙建伟 周海峰 吴国庆 郑爱华 冯军 朱振华 胡立新 郭卫东 "
          "何静 高峰 林涛 罗向阳 宋亚楠 谢玉兰 韩冬梅 唐晓军 许志刚 邓红霞 曹永杰 彭伟 曾庆丰 田玉明 范思远 "
          "贾瑞 段文博 雷鸣 侯俊杰 白雪 崔立国 康宁 牛振东 马金龙 马秀英 闫红旗 常向前 薛磊 袁晓飞").split()
JUDGES = "王法官 李振宇 张红梅 刘建设 陈一鸣 赵国栋 孙丽 周明亮".split()
ZIHAO = ("鑫源 宏达 恒昌 金鼎 豫丰 广源 瑞祥 中州 万通 兴华 博瑞 天昊 德润 嘉禾 丰茂 利民 长青 华鑫 众诚 "
         "明达 永安 宏业 盛世 金桥 润泽 天成 汇通 福瑞 建业 顺达 聚源 昌盛 鼎立 佳和 信诚 伟业 荣达 "
         "嘉豪 乾元 泓鑫 汝河 紫云 神州 远航").split()
INDUSTRY = [("建筑工程有限公司", "住建"), ("市政工程有限公司", "住建"), ("路桥工程有限公司", "交通"),
            ("水利水电工程有限公司", "水利"), ("建材有限公司", "其他工程建设"), ("钧瓷有限公司", "非工程建设"),
            ("农业开发有限公司", "非工程建设"), ("生物科技有限公司", "非工程建设"), ("新能源科技有限公司", "非工程建设"),
            ("机械制造有限公司", "非工程建设"), ("房地产开发有限公司", "住建"), ("商贸有限公司", "非工程建设"),
            ("物流有限公司", "非工程建设"), ("食品有限公司", "非工程建设"), ("牧业有限公司", "非工程建设"),
            ("环保科技有限公司", "其他工程建设"), ("电力安装工程有限公司", "其他工程建设"),
            ("园林绿化工程有限公司", "其他工程建设"), ("装饰工程有限公司", "住建"), ("医疗器械有限公司", "非工程建设"),
            ("信息技术有限公司", "非工程建设"), ("服装有限公司", "非工程建设"), ("劳务有限公司", "其他工程建设")]
PLACE = [("郏县", "91410425"), ("郏县", "91410425"), ("郏县", "91410425"), ("平顶山市", "91410400"),
         ("河南", "91410100"), ("河南省", "91410100"), ("许昌市", "91411000"), ("平顶山", "91410402")]
USED = set()

CH = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WT = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def org_code():
    if R.random() < 0.6:
        body = "MA4" + "".join(R.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(5))
    else:
        body = "".join(R.choice("0123456789") for _ in range(8))
    s = sum(int(c, 36) * w for c, w in zip(body, [3, 7, 9, 10, 5, 8, 4, 2]))
    c = 11 - s % 11
    return body + ("X" if c == 10 else "0" if c == 11 else str(c))


def make_uscc(prefix, valid=True):
    s17 = prefix + org_code()
    total = sum(CH.index(c) * w for c, w in zip(s17, WT))
    code = s17 + CH[(31 - total % 31) % 31]
    if not valid:
        bad = R.choice([c for c in "0123456789" if c != code[-1]])
        code = code[:-1] + bad
    return code


def new_company(sector_hint=None, kind=None):
    for _ in range(500):
        if kind == "coop":
            name = f"郏县{R.choice(ZIHAO)}{R.choice(['种植', '养殖', '果蔬', '红牛养殖', '烟叶种植'])}专业合作社"
            pre, ctype, sec = "93410425", "其他", "非工程建设"
        elif kind == "foreign":
            name = f"平顶山{R.choice(['台鑫', '港源', '新亚', '华韩'])}{R.choice(['电子', '精密机械', '新材料'])}有限公司"
            pre, ctype, sec = "91410400", "外资企业", "非工程建设"
        elif kind == "soe":
            name = R.choice(["平顶山市城乡建设投资集团有限公司", "郏县城市建设投资有限公司", "平顶山市水务投资有限公司",
                             "郏县国有资产经营有限公司", "平顶山市交通投资集团有限公司"])
            pre, ctype, sec = ("91410400" if "平顶山" in name else "91410425"), \
                ("市属企业" if "平顶山" in name else "国有企业"), "其他工程建设"
        else:
            if sector_hint == "works":
                inds = [i for i in INDUSTRY if i[1] in ("住建", "水利", "交通", "其他工程建设")]
            elif sector_hint == "nonworks":
                inds = [i for i in INDUSTRY if i[1] == "非工程建设"]
            else:
                inds = [i for i in INDUSTRY if sector_hint is None or i[1] == sector_hint] or INDUSTRY
            ind, sec = R.choice(inds)
            place, pre = R.choice(PLACE)
            name = f"{place}{R.choice(ZIHAO)}{ind}"
            if R.random() < 0.12:
                name = name.replace("有限公司", "有限责任公司")
            ctype = R.choice(["中小企业", "中小企业", "非公有制企业", "非公有制企业", "中小企业"])
        if name not in USED:
            USED.add(name)
            return dict(company=name, uscc=make_uscc(pre), company_type=ctype, sector=sec)
    raise RuntimeError("name pool exhausted")


def phone():
    if R.random() < 0.5:
        return f"0375-{R.choice(['5', '6'])}{R.randint(100000, 999999)}"
    return f"1{R.choice(['35', '37', '38', '39', '52', '58', '80', '86', '88'])}{R.randint(10000000, 99999999)}"


def rdate(y0, y1):
    a = dt.date(y0, 1, 1).toordinal()
    b = dt.date(y1, 12, 31).toordinal()
    return dt.date.fromordinal(R.randint(a, b))


def month_end(y, m):
    n = dt.date(y + (m == 12), m % 12 + 1, 1)
    return n - dt.timedelta(days=1)


GOV_DEBTORS = ["郏县人民政府", "郏县住房和城乡建设局", "郏县堂街镇人民政府", "郏县薛店镇人民政府", "郏县教育体育局",
               "郏县交通运输局", "郏县产业集聚区管理委员会", "郏县城市管理局", "郏县冢头镇人民政府", "郏县自然资源局",
               "郏县王集乡人民政府", "郏县水利局", "郏县龙山街道办事处", "郏县卫生健康委员会", "郏县安良镇人民政府"]
GENERIC_WORKS = ["道路改造工程", "办公楼维修工程", "合作项目", "配套设施建设工程"]
WORKS_WORDS = ("工程", "建设", "改造", "治理", "厂房", "管网", "修缮")
CASE_CAUSE = ["建设工程施工合同纠纷", "买卖合同纠纷", "建设工程施工合同纠纷", "租赁合同纠纷", "服务合同纠纷",
              "承揽合同纠纷", "土地租赁合同纠纷", "委托合同纠纷"]
ADMIN_CAUSE = ["行政补偿", "行政协议", "行政强制", "房屋征收补偿决定", "政府信息公开"]

# --------------------------------------------------------------------------- descriptions
DESC = {
    "A1": [
        "{unit}与{company}{cause}一案，判决生效后{unit}未按期履行付款义务，{company}已申请强制执行，尚有{left}万元未执行到位。",
        "{company}申请执行{unit}{project}工程款一案，法院已立案执行，被执行人以资金紧张为由未履行完毕。",
        "法院生效判决确定{unit}支付{company}{project}欠款及利息，目前仍在执行程序中，已履行{paidtxt}。",
        "{unit}作为被执行人，{company}{cause}执行案件尚未执结，正在与申请执行人协商分期履行。",
    ],
    "A2": [
        "{company}诉{unit}{cause}，法院已受理，目前一审审理中，尚未判决。",
        "{company}因{project}结算款问题起诉{unit}，案件已立案，尚未开庭审理。",
        "{company}不服{unit}{admin}，提起行政诉讼，法院已受理，未作出判决。",
        "{company}诉{unit}拖欠{project}工程款，一审判决后双方均上诉，二审审理中。",
    ],
    "B1": [
        "{year}年{unit}与{company}签订{project}合作协议，约定给予配套奖励，后因主要领导调整，新班子不予认可，承诺事项至今未兑现，属\u201c新官不理旧账\u201d。",
        "{unit}未按合同约定向{company}支付{project}工程进度款，企业多次催要未果，违反合同约定。",
        "招商时承诺为{company}配套建设道路及供电设施，签约后一直未落实，企业反映政府不守信。",
        "{unit}与{company}签订的{project}协议约定的回购义务未履行，人员变动后无人接手处理。",
        "{company}{project}已交付使用，{unit}未按协议约定办理验收结算，拖延履行合同义务。",
    ],
    "B2": [
        "原{unit}工作人员在项目洽谈时口头承诺为{company}减免土地出让金，违反政策规定，承诺无法兑现。",
        "{unit}超越权限承诺{company}享受税收全额返还，不符合政策规定，导致协议约定无法兑现。",
        "工作人员违规承诺为{company}先行办理用地手续、\u201c先上车后补票\u201d，导致合同约定无法履行。",
        "{unit}违反规定承诺{company}{project}免缴城市基础设施配套费，现无法兑现，企业多次反映。",
    ],
    "B3": [
        "因国土空间规划调整，{company}{project}用地被划入生态保护红线，原出让合同无法继续履行。",
        "因城区道路规划调整，{company}已建厂房需拆除，补偿标准尚未达成一致，原协议无法履行。",
        "受环保政策调整影响，{company}砂石料场被依法关停，原承包合同约定无法兑现。",
        "因上级政策变化，{project}补贴标准调整，原与{company}约定的补助无法按原标准兑现。",
        "因规划调整，{unit}与{company}签订的{project}用地协议约定的地块调整为公共绿地，合同无法履行。",
    ],
    "B4": [
        "{year}年招商引资协议约定{company}缴纳税收县级留成部分全额返还，与现行法律法规相悖，需清理规范。",
        "招商引资优惠政策承诺以地价返还方式补贴{company}，不符合土地出让相关法律规定。",
        "协议约定对{company}免征五年城镇土地使用税，超出县级权限，与税收法律法规相悖。",
        "{unit}与{company}签订的招商协议中\u201c零地价\u201d供地条款不合规，与现行法律法规相悖。",
    ],
    "B5": [
        "{project}已竣工验收，因县财政资金紧张，尚欠{company}工程款{left}万元未支付。",
        "因财政资金困难，{unit}拖欠{company}{project}款项，企业多次催要。",
        "受财力影响，承诺给予{company}的{project}奖补资金未能按期拨付。",
        "{company}承建的{project}已审计结算，因财政资金紧张，剩余款项未能按合同约定支付。",
        "因县级财政资金紧张，{unit}政府购买{company}服务费用拖欠，合同承诺无法按期兑现。",
    ],
}
AMBIG = ["{company}反映{project}有关问题，正在核实。",
         "{company}反映与{unit}存在合同履行争议，具体情况正在调查。",
         "{company}来访反映{project}遗留问题，需进一步核实。"]
MEASURES = {
    "A1": ["已与申请执行人达成执行和解，分期履行", "积极筹措资金，年底前履行完毕", "已提请县政府常务会研究解决",
           "主动对接法院，制定还款计划"],
    "A2": ["积极应诉，依法维护双方合法权益", "聘请法律顾问应诉，同时开展庭外调解", "加强与原告沟通，争取调解结案"],
    "B1": ["重新梳理协议内容，按约定兑现承诺", "成立专班，一企一策推进化解", "与企业协商签订补充协议，分期兑现"],
    "B2": ["对违规承诺事项向企业解释说明，依法依规重新协商", "追究相关人员责任，依法依规妥善处理"],
    "B3": ["依法给予补偿，协调置换用地", "按程序调整合同约定，依法补偿企业损失", "协调自然资源部门调整用地"],
    "B4": ["对不合规条款予以清理，按现行政策依法兑现", "废止不合规政策条款，与企业重新签订协议"],
    "B5": ["纳入年度财政预算逐年化解", "积极争取上级资金，分三期支付", "已制定还款计划，按月支付"],
}
AMB_MEAS = ["正在调查核实", "已安排专人对接企业"]


def rec(cat, d, *, company=None, unit=None, status=None, amb=False, kind=None, source="部门自查",
        amount=None, case=None, y=None):
    """Return one canonical row (what the clerk meant)."""
    project = R.choice(d["projects"]) if d["projects"] else R.choice(GENERIC_WORKS)
    works = any(w in project for w in WORKS_WORDS)
    if company is None and kind is None:
        if works and cat not in ("B4",) and R.random() < 0.85:
            hint = d["sector"] if d["sector"] in ("住建", "水利", "交通") and R.random() < 0.6 else "works"
        else:
            hint = None if R.random() < 0.5 else "nonworks"
        company = new_company(hint)
    co = company or new_company(None, kind)
    unit = unit or R.choice(d["units"])
    y = y or R.choice([2017, 2018, 2019, 2019, 2020, 2020, 2021])
    amt = amount if amount is not None else round(R.choice([R.uniform(3, 60), R.uniform(20, 300),
                                                            R.uniform(50, 900)]), 2)
    if R.random() < 0.25:
        amt = float(int(amt))
    st = status or R.choices(["未启动", "整改中", "已办结"], [0.18, 0.57, 0.25])[0]
    if cat == "A2" and st == "已办结":
        st = "整改中"
    paid = None
    if st == "已办结":
        paid = amt
    elif st == "整改中" and cat != "A2" and R.random() < 0.5:
        paid = round(amt * R.choice([0.2, 0.3, 0.5, 0.6]), 2)
    occurred = rdate(y, y) if y < 2021 else dt.date(2021, R.randint(1, 10), R.randint(1, 28))
    if amb and st == "已办结":
        st, paid = "整改中", None
    deadline = month_end(R.choice([2021, 2022, 2022]), R.randint(1, 12))
    if deadline.year == 2021:
        deadline = month_end(2021, 12)
    if R.random() < 0.35:
        deadline = deadline.replace(day=R.choice([15, 20, 30]) if deadline.month != 2 else 20)
    if R.random() < 0.15:
        deadline = month_end(2021, R.randint(6, 11))
    closed = None
    if st == "已办结":
        lo = max(occurred.toordinal() + 20, dt.date(2021, 3, 1).toordinal())
        hi = dt.date(2021, 11, 24).toordinal()
        closed = dt.date.fromordinal(R.randint(min(lo, hi), hi))
    r = dict(category=cat, company=co["company"], uscc=co["uscc"], company_type=co["company_type"],
             sector=((d["sector"] if d["sector"] in ("住建", "水利", "交通") else
                     co["sector"] if co["sector"] != "非工程建设" else "其他工程建设") if works else "非工程建设"),
             source=source, case_no=None, court=None, amount=amt, occurred_on=occurred, owner_unit=unit,
             owner_person=R.choice(PEOPLE), approach=R.choice(["一企一议", "一事一议", "一事一议", "同事同议"]),
             measures=R.choice(AMB_MEAS if amb else MEASURES[cat]), deadline=deadline, status=st, paid=paid,
             closed_on=closed, note=None, amb=amb, phone=phone(), project=project,
             judge=R.choice(JUDGES), err=None)
    if cat in ("A1", "A2"):
        r["case_no"], r["court"] = case or case_no(cat, y)
        r["occurred_on"] = rdate(y, y) if y < 2021 else dt.date(2021, R.randint(1, 9), R.randint(1, 28))
        if r["closed_on"] and r["closed_on"] < r["occurred_on"]:
            r["closed_on"] = min(r["occurred_on"] + dt.timedelta(days=R.randint(20, 40)), dt.date(2021, 11, 24))
    left = round(amt - (paid or 0), 2)
    pool = AMBIG if amb else DESC[cat]
    if not works:
        pool = [t for t in pool if "竣工" not in t and "承建" not in t and "工程款" not in t] or pool
    tmpl = R.choice(pool)
    r["description"] = tmpl.format(unit=unit, company=co["company"], project=project, year=y,
                                   cause=R.choice(CASE_CAUSE), admin=R.choice(ADMIN_CAUSE) + "决定",
                                   left=f"{left:g}", paidtxt=(f"{paid:g}万元" if paid else "部分款项"))
    return r


CASE_SEQ = {}


def case_no(cat, y):
    n = CASE_SEQ.setdefault((cat, y), R.randint(30, 900))
    CASE_SEQ[(cat, y)] = n + R.randint(7, 140)
    if cat == "A1":
        kind = R.choice(["执", "执", "执", "执恢"])
        return f"（{y}）豫0425{kind}{n}号", "郏县人民法院"
    k = R.random()
    if k < 0.55:
        return f"（{y}）豫0425民初{n * 3}号", "郏县人民法院"
    if k < 0.8:
        return f"（{y}）豫04民终{n}号", "平顶山市中级人民法院"
    return f"（{y}）豫0402行初{n // 5 + 1}号", "平顶山市新华区人民法院"


# --------------------------------------------------------------------------- rendering
def fmt_date(d, style):
    if d is None:
        return None
    if style == "mix":
        style = R.choice(["excel", "iso", "slash", "dot", "cn", "int8"])
    if style == "excel":
        return ("DATE", dt.datetime(d.year, d.month, d.day))
    if style == "iso":
        return d.isoformat()
    if style == "slash":
        return f"{d.year}/{d.month}/{d.day}"
    if style == "dot":
        return f"{d.year}.{d.month:02d}.{d.day:02d}"
    if style == "cn":
        return f"{d.year}年{d.month}月{d.day}日"
    if style == "int8":
        return int(d.strftime("%Y%m%d"))
    if style == "monthend":
        if d == month_end(d.year, d.month):
            return f"{d.year}年{d.month}月底"
        return f"{d.year}年{d.month}月{d.day}日"
    raise ValueError(style)


def fmt_amt(v, style):
    if v is None:
        return None
    if style == "wan":
        return round(v, 2)
    if style == "wan_str":
        return f"{v:g}万元"
    if style == "wan_text":
        return f"{v:.2f}"
    if style == "yuan":
        return int(round(v * 10000))
    if style == "yuan_str":
        return f"{int(round(v * 10000))}元"
    if style == "mixwan":  # mostly numbers, some "xx万元", some "xxxxx元" in a 万元 column
        return R.choice([round(v, 2)] * 4 + [f"{v:g}万元", f"{int(round(v * 10000))}元"])
    raise ValueError(style)


STATUS_STYLE = {
    "std": {"未启动": ["未启动"], "整改中": ["整改中"], "已办结": ["已办结"]},
    "syn": {"未启动": ["未整改"], "整改中": ["推进中"], "已办结": ["已完成", "已化解", "已解决"]},
    "clerk": {"未启动": ["未启动", "未整改"], "整改中": ["整改中", "正在推进", "推进中", "正在办理"],
              "已办结": ["已办结", "已完成"]},
    "court": {"未启动": ["未启动"], "整改中": ["推进中", "整改中", "执行中"], "已办结": ["已办结", "已执行完毕"]},
    "xf": {"未启动": ["未化解"], "整改中": ["化解中", "推进中"], "已办结": ["已化解"]},
    "hot": {"未启动": ["待办理"], "整改中": ["办理中", "推进中"], "已办结": ["已办结", "已解决"]},
}


def fmt_cat(c, style):
    if style == "mix":
        style = R.choice(["full", "code", "short", "para", "full"])
    if style == "full":
        return f"{c} {CAT_LABEL[c]}"
    if style == "code":
        return c
    if style == "short":
        return CAT_SHORT[c]
    if style == "para":
        return R.choice(CAT_PARA[c])
    if style == "seed":
        return CAT_SEED[c]
    if style == "codedot":
        return f"{c}.{CAT_SHORT[c]}"
    raise ValueError(style)


def noisy(s, p=0.15):
    if s and isinstance(s, str) and R.random() < p:
        return R.choice([s + " ", s + "　", "　" + s, s.replace("（", "(").replace("）", ")")])
    return s


def C(h, key=None, parent=None, fmt=None, field=None, alt=None, w=None):
    return dict(h=h, key=key, parent=parent, fmt=fmt, field=field, alt=alt or [], w=w)


def cell_value(col, r, i):
    k, f = col["key"], col["fmt"]
    if col.get("field"):
        fld = col["field"]
        if fld == "phone":
            return r["phone"]
        if fld == "overdue":
            return "是" if (r["status"] != "已办结" and r["deadline"] < TODAY) else "否"
        if fld == "judge":
            return r["judge"]
        if fld == "clerk":
            return R.choice(["李书记员", "王静", "赵一帆", "孙晓"])
        if fld == "ticket":
            return r.setdefault("ticket", f"{r['occurred_on']:%Y%m%d}{R.randint(1000, 9999)}")
        if fld == "ticket2":
            return r.setdefault("ticket", f"JX12345-{r['occurred_on']:%Y%m%d}-{R.randint(100, 999)}")
        if fld == "satisfy":
            return R.choice(["满意", "基本满意", "满意", "未回访"]) if r["status"] == "已办结" else None
        if fld == "legal":
            return R.choice(PEOPLE)
        if fld == "contact":
            return R.choice(PEOPLE)
        if fld == "xf_no":
            return f"XF{r['occurred_on']:%Y%m}{R.randint(10, 99)}"
        if fld == "repeat":
            return R.choice(["是", "否", "否"])
        if fld == "unpaid":
            return round(r["amount"] - (r["paid"] or 0), 2) if r["amount"] is not None else None
        if fld == "stage":
            return r.setdefault("stage", "二审审理中" if "终" in (r["case_no"] or "") else R.choice(
                ["一审审理中", "已开庭待判决", "一审审理中"]))
        if fld == "cause":
            return r.setdefault("cause", R.choice(ADMIN_CAUSE) if "行初" in (r["case_no"] or "") else R.choice(CASE_CAUSE))
        if fld == "deptcol":
            return r["_deptcol"]
        if fld == "village":
            return R.choice(["东街村", "西街村", "南关村", "北关村", "前营村", "后营村", "李庄村", "张庄村"])
        if fld == "hottype":
            return R.choice(["投诉", "求助", "投诉", "咨询"])
        if fld == "xfform":
            return r["_xfform"]
        if fld == "project":
            return r["project"]
        if fld == "leader_title":
            return R.choice(["副局长", "党组成员", "副镇长", "副主任"])
        if fld == "area":
            return r.setdefault("area", R.choice([12, 35.5, 48, 86, 120, 230, 7.2]))
        if fld == "policy":
            return r.setdefault("policy", R.choice(["税收县级留成返还", "土地出让金返还", "设备投资补助", "厂房租金减免", "零地价供地"]))
        if fld == "signed":
            return fmt_date(r["occurred_on"] - dt.timedelta(days=R.randint(200, 900)), "dot")
        raise ValueError(fld)
    if k is None:
        return None
    if k == "seq":
        return i if f != "str" else f"{i}"
    if k == "category":
        if r.get("cat_blank"):
            return None
        return fmt_cat(r["category"], f or "full")
    if k in ("occurred_on", "deadline", "closed_on"):
        if k == "deadline" and r.get("err") == "bad_deadline":
            return r["bad_deadline"]
        return fmt_date(r[k], f or "excel")
    if k in ("amount", "paid"):
        return fmt_amt(r[k], f or "wan")
    if k == "status":
        if r.get("status_blank"):
            return None
        return R.choice(STATUS_STYLE[f or "std"][r["status"]])
    if k == "company":
        if r.get("err") == "no_company":
            return None
        return noisy(r["company"])
    if k == "case_no":
        v = r["case_no"]
        if v and f == "half":
            v = v.replace("（", "(").replace("）", ")")
        elif v and f == "mix":
            v = R.choice([v, v.replace("（", "(").replace("）", ")"), v.replace("（", "〔").replace("）", "〕")])
        return v
    if k == "description":
        v = r["description"]
        if R.random() < 0.12 and "，" in v:
            v = v.replace("，", "，\n", 1)
        return noisy(v, 0.08)
    if k == "owner_unit":
        return noisy(r["owner_unit"], 0.05)
    if k == "uscc":
        return None if r.get("uscc_blank") else r["uscc"]
    v = r.get(k)
    return v


# --------------------------------------------------------------------------- sheet builder
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


class Grid:
    def __init__(self, name):
        self.name = name
        self.cells = {}
        self.merges = []
        self.bold = set()
        self.row = 1
        self.widths = {}

    def put(self, r, c, v, bold=False):
        self.cells[(r, c)] = v
        if bold:
            self.bold.add((r, c))


def build_sheet(name, cols, items, *, title=None, meta=None, unit_line=None, numrow=None, unitrow=None,
                total=None, foot=None, merge_keys=(), blank_after_title=False, start_col=1, role="data",
                deptcol=None, zero_text=None, header_repeat=False, unit_yuan_cols=()):
    """items: list of ('rec', r) | ('section', text) | ('blank',) | ('subtotal', text)"""
    g = Grid(name)
    n = len(cols)
    c0 = start_col
    cN = c0 + n - 1
    r = 1
    for t in (title or []):
        g.put(r, c0, t, True)
        g.merges.append((r, c0, r, cN))
        r += 1
    if blank_after_title:
        r += 1
    if meta:
        if isinstance(meta, str):
            g.put(r, c0, meta)
            g.merges.append((r, c0, r, cN))
        else:
            for (off, txt) in meta:
                g.put(r, c0 + (off if off >= 0 else n + off), txt)
        r += 1
    if unit_line:
        g.put(r, cN, unit_line)
        r += 1
    has_parent = any(c["parent"] for c in cols)
    hdr_rows = [r, r + 1] if has_parent else [r]
    details = []
    j = 0
    while j < n:
        col = cols[j]
        cc = c0 + j
        if has_parent and col["parent"]:
            k = j
            while k + 1 < n and cols[k + 1]["parent"] == col["parent"]:
                k += 1
            g.put(r, cc, col["parent"], True)
            if k > j:
                g.merges.append((r, cc, r, c0 + k))
            for m in range(j, k + 1):
                g.put(r + 1, c0 + m, cols[m]["h"], True)
            j = k + 1
        else:
            g.put(r, cc, col["h"], True)
            if has_parent:
                g.merges.append((r, cc, r + 1, cc))
            j += 1
    for j, col in enumerate(cols):
        details.append(dict(col=get_column_letter(c0 + j), header=col["h"], parent=col["parent"], key=col["key"],
                            standard_name=STD.get(col["key"]), alt=col["alt"]))
        if col["w"]:
            g.widths[c0 + j] = col["w"]
    r = hdr_rows[-1] + 1
    extra_rows = {}
    if numrow:
        for j in range(n):
            if numrow == "arabic":
                v = j + 1
            elif numrow == "cn":
                v = "（" + "一二三四五六七八九十"[j] + "）" if j < 10 else f"（十{'一二三四五六七八九'[j - 10]}）"
            elif numrow == "jiayi":
                v = "甲" if j == 0 else "乙" if j == 1 else j - 1
            g.put(r, c0 + j, v)
        extra_rows["numbered_row"] = r
        r += 1
    if unitrow:
        for j, col in enumerate(cols):
            if col["key"] in ("amount", "paid"):
                g.put(r, c0 + j, unitrow)
        extra_rows["unit_row"] = r
        r += 1
    key_rows = []
    seq = 0
    data_row_nums = []
    span_start = {}
    for it in items:
        if it[0] == "blank":
            r += 1
            continue
        if it[0] == "section":
            g.put(r, c0, it[1], True)
            g.merges.append((r, c0, r, cN))
            r += 1
            continue
        if it[0] == "subtotal":
            g.put(r, c0 + 1, it[1], True)
            r += 1
            continue
        if it[0] == "none":  # zero-report row
            g.put(r, c0, it[1]) if it[2] == "first" else None
            if it[2] == "merge":
                g.put(r, c0, it[1])
                g.merges.append((r, c0, r, cN))
            elif it[2] == "company":
                for j, col in enumerate(cols):
                    if col["key"] == "company":
                        g.put(r, c0 + j, it[1])
                    if col["key"] == "seq":
                        g.put(r, c0 + j, 1)
            r += 1
            continue
        rr = it[1]
        seq += 1
        if deptcol:
            rr["_deptcol"] = deptcol
        for j, col in enumerate(cols):
            v = cell_value(col, rr, seq)
            if v is not None:
                g.put(r, c0 + j, v)
        data_row_nums.append(r)
        key_rows.append((r, rr))
        r += 1
    # merged cells down a column where consecutive values are equal (clerks do this with 责任单位)
    merged_cols = []
    for mk in merge_keys:
        j = [x["key"] for x in cols].index(mk)
        cc = c0 + j
        rows = data_row_nums
        s = 0
        while s < len(rows):
            e = s
            while (e + 1 < len(rows) and rows[e + 1] == rows[e] + 1
                   and key_rows[e + 1][1]["owner_unit" if mk == "owner_unit" else mk] ==
                   key_rows[s][1]["owner_unit" if mk == "owner_unit" else mk]):
                e += 1
            if e > s:
                g.merges.append((rows[s], cc, rows[e], cc))
                for q in range(s + 1, e + 1):
                    g.cells.pop((rows[q], cc), None)
                    key_rows[q][1].setdefault("_merged_from_above", []).append(mk)
                merged_cols.append(get_column_letter(cc))
            s = e + 1
    if total:
        tkeys = [x["key"] for x in cols]
        lab_j = 1 if total == "second" else 0
        g.put(r, c0 + lab_j, "合计", True)
        for j, col in enumerate(cols):
            if col["key"] in ("amount", "paid") and data_row_nums:
                vals = [rr[col["key"]] or 0 for _, rr in key_rows]
                s = sum(vals)
                g.put(r, c0 + j, fmt_amt(s, "yuan" if (col["fmt"] or "").startswith("yuan") else "wan"))
        if "company" in tkeys and total == "count":
            g.put(r, c0 + tkeys.index("company"), f"共{len(key_rows)}件")
        extra_rows["total_row"] = r
        r += 1
    if foot:
        r += 1
        foot_rows = []
        for f in foot:
            if isinstance(f, tuple):
                for off, txt in f[1]:
                    g.put(r, c0 + (off if off >= 0 else n + off), txt)
            else:
                g.put(r, c0, f)
                g.merges.append((r, c0, r, cN))
            foot_rows.append(r)
            r += 1
        extra_rows["footer_rows"] = foot_rows
    key = dict(name=name, role=role, header_rows=hdr_rows, **extra_rows,
               columns={d["header"]: d["key"] for d in details},
               columns_standard_name={d["header"]: d["standard_name"] for d in details},
               column_details=details, data_rows=len(key_rows), data_row_numbers=data_row_nums,
               merged_columns=sorted(set(merged_cols)), rows=[])
    ckeys = {x["key"] for x in cols}
    for rn, rr in key_rows:
        key["rows"].append(row_key(rn, rr, cols, ckeys))
    g.key = key
    return g


def row_key(rn, rr, cols, ckeys):
    text_of = {}
    # intended category
    if "category" in ckeys and not rr.get("cat_blank"):
        cat, why = rr["category"], "category column"
    elif "case_no" in ckeys and rr.get("case_no"):
        cat, why = rr["category"], "case number (执 → A1, 初/终 → A2)"
    elif not rr["amb"]:
        cat, why = rr["category"], "description wording"
    else:
        cat, why = None, "not clear from the content"
    vals = {"company": None if rr.get("err") == "no_company" else rr["company"]}
    for k in ("case_no", "owner_unit"):
        if k in ckeys:
            vals[k] = rr[k]
    for k in ("amount", "paid"):
        if k in ckeys:
            vals[k + "_wan"] = rr[k]
    for k in ("occurred_on", "deadline", "closed_on"):
        if k in ckeys:
            vals[k] = rr[k].isoformat() if rr[k] else None
    if "status" in ckeys:
        vals["status"] = None if rr.get("status_blank") else rr["status"]
    if "uscc" in ckeys and not rr.get("uscc_blank"):
        vals["uscc"] = rr["uscc"]
        vals["uscc_valid"] = not rr.get("uscc_bad", False)
    out = dict(excel_row=rn, category=cat, category_basis=why, values=vals,
               expected_error=rr.get("err"))
    if rr.get("_merged_from_above"):
        out["cells_merged_from_above"] = rr["_merged_from_above"]
    if rr.get("err") == "bad_deadline":
        out["values"]["deadline"] = rr["bad_deadline"]
    return out


def write_xlsx(path, grids, props=None):
    wb = Workbook()
    wb.remove(wb.active)
    for g in grids:
        ws = wb.create_sheet(g.name)
        for (r, c), v in g.cells.items():
            if isinstance(v, tuple) and v and v[0] == "DATE":
                cell = ws.cell(r, c, v[1])
                cell.number_format = R.choice(["yyyy-mm-dd", "yyyy/m/d", 'yyyy"年"m"月"d"日"'])
            else:
                cell = ws.cell(r, c, v)
            if (r, c) in g.bold:
                cell.font = Font(bold=True, size=14 if r <= 2 and isinstance(v, str) and len(v) > 8 else 11)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for m in g.merges:
            ws.merge_cells(start_row=m[0], start_column=m[1], end_row=m[2], end_column=m[3])
        for c, w in g.widths.items():
            ws.column_dimensions[get_column_letter(c)].width = w
        hr = getattr(g, "key", {}).get("header_rows")
        if hr:
            for rr in range(hr[0], (g.key.get("data_row_numbers") or [hr[-1]])[-1] + 1):
                for cc in range(1, len(g.key["column_details"]) + 2):
                    if (rr, cc) in g.cells or any(m[0] <= rr <= m[2] and m[1] <= cc <= m[3] for m in g.merges):
                        ws.cell(rr, cc).border = BORDER
    if props:
        wb.properties.creator = props
    wb.save(path)


def write_csv(path, g, enc="gbk"):
    maxr = max(r for r, _ in g.cells) if g.cells else 0
    maxc = max(c for _, c in g.cells) if g.cells else 0
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for r in range(1, maxr + 1):
        row = []
        for c in range(1, maxc + 1):
            v = g.cells.get((r, c))
            if isinstance(v, tuple) and v and v[0] == "DATE":
                v = v[1].strftime("%Y/%m/%d")
            row.append("" if v is None else str(v))
        w.writerow(row)
    with open(path, "wb") as fh:
        fh.write(buf.getvalue().encode(enc))


# --------------------------------------------------------------------------- helpers for files
KEY = {"_about": "Answer key for /work/heldout2/inbox (see README.md).", "files": {}}


def register(fname, *, is_ledger, department, grids, evidence, notes=None, fmt="xlsx", **extra):
    sheets = []
    for g in grids:
        k = getattr(g, "key", None) or dict(name=g.name, role=g.role, columns={}, data_rows=0, rows=[])
        k["name"] = g.name
        sheets.append(k)
    KEY["files"][fname] = dict(is_ledger=is_ledger, department=department, department_evidence=evidence,
                               format=fmt, sheets=sheets, data_rows=sum(s["data_rows"] for s in sheets),
                               notes=notes or [], **extra)


def text_sheet(name, lines, role="instructions"):
    g = Grid(name)
    for i, ln in enumerate(lines, 1):
        g.put(i, 1, ln, i == 1)
    g.widths[1] = 90
    g.key = dict(name=name, role=role, columns={}, data_rows=0, rows=[])
    g.role = role
    return g


def empty_sheet(name):
    g = Grid(name)
    g.key = dict(name=name, role="empty", columns={}, data_rows=0, rows=[])
    return g


def meta_line(d, style, date=None, person=None):
    date = date or dt.date(2021, 11, R.randint(19, 26))
    person = person or R.choice(PEOPLE)
    full = d["full"]
    if style == "full":
        return (f"填报单位：{full}（盖章）        填报人：{person}        联系电话：{phone()}        "
                f"填报日期：{date.year}年{date.month}月{date.day}日")
    if style == "short":
        return f"填报单位（盖章）：{full}              填报时间：{date:%Y.%m.%d}"
    if style == "split":
        return [(0, f"填报单位：{full}"), (3, f"填报人：{person}"), (-2, f"填报日期：{date:%Y-%m-%d}")]
    if style == "baosong":
        return f"报送单位：{full}                 报送时间：{date.year}年{date.month}月{date.day}日"
    if style == "variant":  # 郟 variant + full-width spaces
        return f"填报单位：{full.replace('郏', '郟')}　　　填报人：{person}　　　填报日期：{date:%Y/%m/%d}"
    raise ValueError(style)


def signoff(d, date=None):
    date = date or dt.date(2021, 11, R.randint(19, 26))
    return [("row", [(0, f"单位负责人：{R.choice(PEOPLE)}"), (3, f"审核人：{R.choice(PEOPLE)}"),
                     (-3, f"填表人：{R.choice(PEOPLE)}")]),
            f"{d['full']}（盖章）    {date.year}年{date.month}月{date.day}日"]


def recs(d, cats, **kw):
    return [rec(c, d, **kw) for c in cats]


def items(rs, blanks=()):
    out = []
    for i, r in enumerate(rs):
        out.append(("rec", r))
        if i in blanks:
            out.append(("blank",))
    return out


def dname(n):
    return DEPTS[n]


# =========================================================================== the files
def P(*parts):
    return os.path.join(INBOX, *parts)


def court_files():
    d = dname("县人民法院")
    a1 = []
    for i in range(12):
        u = GOV_DEBTORS[i % len(GOV_DEBTORS)]
        r = rec("A1", d, unit=u, source="法院", y=R.choice([2018, 2019, 2020, 2020, 2021]))
        if i in (3, 9):
            r["owner_unit"] = u.replace("郏", "郟")
        a1.append(r)
    a1[7]["note"] = "终结本次执行程序后恢复执行"
    a1[2]["note"] = "已纳入县政府化解计划"
    a2 = []
    for i in range(10):
        u = R.choice(GOV_DEBTORS)
        a2.append(rec("A2", d, unit=u, source="法院", y=R.choice([2020, 2021, 2021])))
    # ---------------- v1 (superseded): 8 enforcement cases, older statuses
    import copy
    v1 = [copy.deepcopy(r) for r in a1[:8]]
    for r in v1:
        if r["status"] == "已办结":
            r["status"], r["closed_on"], r["paid"] = "整改中", None, round(r["amount"] * 0.5, 2)
    cols1 = [C("序号", "seq"), C("执行案号", "case_no", fmt="mix", w=24), C("申请执行人", "company", w=30),
             C("被执行人", "owner_unit", w=24), C("执行标的（元）", "amount", fmt="yuan"),
             C("已执行到位（元）", "paid", fmt="yuan"), C("立案时间", "occurred_on", fmt="excel"),
             C("承办法官", None, field="judge"), C("执行情况", "description", w=50),
             C("办理进度", "status", fmt="court"), C("备注", "note", alt=[None])]
    g = build_sheet("执行案件", cols1, items(v1),
                    title=["郏县人民法院涉党政机关执行案件台账"],
                    meta=f"填报单位：郏县人民法院执行局        统计截止日期：2021年11月24日        联系人：{R.choice(JUDGES)}",
                    foot=["注：本表统计被执行人为党政机关、尚未执行完毕的案件。"])
    f1 = "县法院执行局涉党政机关执行案件台账（11.24）.xlsx"
    write_xlsx(P(f1), [g])
    register(f1, is_ledger=True, department="县人民法院", grids=[g],
             evidence="填报单位 line '郏县人民法院执行局' (sub-unit of the court)",
             notes=["Earlier submission of the court; superseded by the 11.29 file (same cases, updated)."],
             superseded_by="郏县人民法院涉政府机关案件台账（11.29更新）.xlsx", submitted="2021-11-24")
    # ---------------- v2
    cols2 = cols1[:9] + [C("办理进度", "status", fmt="court"), C("预计办结时间", "deadline", fmt="cn"),
                         C("备注", "note", alt=[None])]
    g1 = build_sheet("执行案件", cols2, items(a1, blanks=(5,)),
                     title=["郏县人民法院涉政府机关案件台账", "（政府作为被执行人尚未执行完毕的案件）"],
                     meta=f"填报单位：郏县人民法院        填报人：{R.choice(JUDGES)}        填报日期：2021年11月29日",
                     total="second", foot=["注：执行标的及已执行到位金额单位为元。",
                                           "郏县人民法院执行局（章）    2021年11月29日"])
    cols3 = [C("序号", "seq"), C("案号", "case_no", w=24), C("原告", "company", w=30), C("被告", "owner_unit", w=24),
             C("案由", "description", field="cause", alt=[None]), C("诉讼标的额（万元）", "amount"),
             C("收案日期", "occurred_on", fmt="iso"), C("审理法院", "court"),
             C("审理阶段", None, field="stage", alt=["status"]), C("承办法官", None, field="judge"),
             C("书记员", None, field="clerk"), C("备注", "note", alt=[None])]
    g2 = build_sheet("诉讼案件", cols3, items(a2),
                     title=["郏县人民法院涉政府机关案件台账", "（政府作为被告法院已受理尚未判决的案件）"],
                     meta="填报单位：郏县人民法院        填报日期：2021年11月29日", total="count")
    gi = text_sheet("说明", ["填报说明", "1. 本台账分\u201c执行案件\u201d\u201c诉讼案件\u201d两个工作表。",
                             "2. 执行案件指党政机关作为被执行人、尚未执行完毕的案件；诉讼案件指党政机关作为被告、已受理尚未判决的案件。",
                             "3. 金额单位：执行案件为元，诉讼案件为万元。", "4. 本表每周五前报县信用办。"])
    f2 = "郏县人民法院涉政府机关案件台账（11.29更新）.xlsx"
    write_xlsx(P(f2), [gi, g1, g2])
    register(f2, is_ledger=True, department="县人民法院", grids=[gi, g1, g2], evidence="填报单位 line",
             notes=["Supersedes the 11.24 file.", "诉讼案件 has no status column: rows are blank status (未启动 + warning)."],
             submitted="2021-11-29")


def xinfang_file():
    d = dname("县信访局")
    units = ["县住建局", "堂街镇政府", "县教体局", "县产业集聚区管委会", "薛店镇政府", "县交通运输局", "县城管局"]
    cats = ["B1", "B5", "B5", "B2", "B3", "B1", "B5", "B1", "B3", "B5", "B2", "B1"]
    rs = []
    for i, c in enumerate(cats):
        r = rec(c, d, unit=R.choice(units), source="信访", amb=(i == 10))
        r["_xfform"] = R.choice(["来访", "来信", "网上信访", "来访"])
        rs.append(r)
    rs[4]["cat_blank"] = True
    rs[7]["cat_blank"] = True
    rs[10]["cat_blank"] = True  # ambiguous + blank -> null
    rs[2]["uscc_bad"] = True
    rs[2]["uscc"] = rs[2]["uscc"][:-1] + ("1" if rs[2]["uscc"][-1] != "1" else "2")
    rs[6]["uscc_blank"] = True
    cols = [C("序号", "seq"), C("企业名称", "company", parent="信访人情况", w=30),
            C("统一社会信用代码", "uscc", parent="信访人情况", w=22), C("联系电话", None, parent="信访人情况", field="phone"),
            C("信访时间", "occurred_on", fmt="dot"), C("信访形式", "source", field="xfform", alt=[None]),
            C("反映问题", "description", w=50), C("涉及金额（万元）", "amount"), C("问题类别", "category", fmt="short"),
            C("责任单位", "owner_unit"), C("包案领导", "owner_person"),
            C("化解措施", "measures", parent="化解情况"), C("化解时限", "deadline", parent="化解情况", fmt="monthend"),
            C("化解状态", "status", parent="化解情况", fmt="xf"), C("备注", "note", alt=[None])]
    g = build_sheet("台账", cols, items(rs), title=["郏县涉企信访事项（政务失信类）排查整治台账"],
                    meta=meta_line(d, "full"),
                    foot=["注：信访形式分来信、来访、网上信访；问题类别按郏信用办〔2021〕13号文件填写。"] + signoff(d))
    f = "县信访局涉企信访问题排查台账.xlsx"
    write_xlsx(P(f), [g])
    register(f, is_ledger=True, department="县信访局", grids=[g], evidence="填报单位 line",
             notes=["信访形式 → source (values 来访/来信/网上信访 mean 信访 / 网络)."])


def hotline_file():
    d = dname("县政务服务和大数据管理局")
    units = ["县住建局", "县人社局", "东城街道办事处", "县财政局", "县城管局", "龙山街道办事处", "县产业集聚区管委会",
             "县教体局", "长桥镇政府"]
    cats = ["B5", "B1", "B5", "B1", "B2", "B5", "B1", "B3", "B5", "B5", "B1", "B4", "B5", "B1"]
    rs = []
    for i, c in enumerate(cats):
        r = rec(c, d, unit=R.choice(units), source="热线", amb=(i in (4, 11)), y=2021)
        r["description"] = R.choice(["企业来电反映：", "来电人反映：", "市民代企业反映："]) + r["description"]
        rs.append(r)
    cols = [C("序号", "seq"), C("工单号", None, field="ticket2", alt=["item_id"], w=24),
            C("受理时间", "occurred_on", fmt="iso"), C("诉求企业", "company", w=30), C("联系人", None, field="contact"),
            C("联系电话", None, field="phone"), C("诉求类型", None, field="hottype"),
            C("诉求内容", "description", w=60), C("承办单位", "owner_unit"), C("办理进度", "status", fmt="hot"),
            C("办结时间", "closed_on", fmt="slash"), C("是否逾期", None, field="overdue"),
            C("回访满意度", None, field="satisfy")]
    g = build_sheet("涉企工单", cols, items(rs, blanks=(8,)),
                    title=["郏县12345政务服务便民热线涉企诉求（政务失信类）工单台账"],
                    meta="报送单位：郏县12345热线办（县政务服务和大数据管理局）        报送时间：2021年11月24日")
    f = "12345热线涉企诉求工单台账.xlsx"
    write_xlsx(P(f), [g, empty_sheet("Sheet2"), empty_sheet("Sheet3")])
    register(f, is_ledger=True, department="县政务服务和大数据管理局", grids=[g, empty_sheet("Sheet2"), empty_sheet("Sheet3")],
             evidence="报送单位 line (not 填报单位) naming 12345热线办 and 县政务服务和大数据管理局 in brackets",
             notes=["Problem source is 热线 for every row (implied, no column).",
                    "工单号 is the hotline ticket, not the pipeline's 问题编号; item_id accepted as alternative."])


def zhujian_file():
    d = dname("县住房和城乡建设局")
    a = recs(d, ["A1", "A1", "A1", "A2", "A2", "A2"], source="法院")
    a.sort(key=lambda r: r["owner_unit"])
    b = []
    cats = ["B5", "B5", "B1", "B5", "B3", "B1", "B5", "B2", "B5", "B1", "B3", "B5", "B5", "B1", "B4", "B5"]
    for i, c in enumerate(cats):
        b.append(rec(c, d, source=R.choice(["部门自查", "企业反映", "信访", "部门自查", "网络", "媒体"])))
    b.sort(key=lambda r: r["owner_unit"])
    b[4]["err"] = "no_company"
    b[4]["description"] = "某施工队反映" + b[4]["description"]
    b[9]["uscc_blank"] = True
    b[12]["status"], b[12]["closed_on"], b[12]["paid"] = "已办结", None, b[12]["amount"]
    b[12]["note"] = "已办结，办结日期待补"
    ca = [C("序号", "seq"), C("案号", "case_no", parent="案件基本情况", w=24),
          C("审理（执行）法院", "court", parent="案件基本情况"),
          C("立案日期", "occurred_on", parent="案件基本情况", fmt="excel"), C("企业名称", "company", w=30),
          C("问题类别", "category", fmt="code"), C("问题描述", "description", w=50),
          C("涉案金额", "amount", parent="金额（万元）"), C("已兑付", "paid", parent="金额（万元）"),
          C("整改措施", "measures", parent="整改情况"), C("整改时限", "deadline", parent="整改情况", fmt="excel"),
          C("整改状态", "status", parent="整改情况"), C("办结日期", "closed_on", parent="整改情况", fmt="excel"),
          C("责任科室", "owner_unit"), C("责任人", "owner_person"), C("备注", "note", alt=[None])]
    ga = build_sheet("A类案件", ca, items(a), title=["郏县住房和城乡建设局政务失信问题排查整治台账（案件类）"],
                     meta=meta_line(d, "full"), numrow="arabic", total="second", merge_keys=("owner_unit",))
    cb = [C("序号", "seq"), C("企业名称", "company", parent="企业基本情况", w=30),
          C("统一社会信用代码", "uscc", parent="企业基本情况", w=22), C("企业类型", "company_type", parent="企业基本情况"),
          C("所属领域", "sector"), C("问题来源", "source"), C("问题类别", "category", fmt="full", w=30),
          C("问题描述", "description", w=50), C("涉及金额（万元）", "amount", fmt="mixwan"),
          C("已兑付金额（万元）", "paid"), C("发生时间", "occurred_on", fmt="mix"),
          C("处理方式", "approach", parent="整改情况"), C("整改措施", "measures", parent="整改情况"),
          C("整改时限", "deadline", parent="整改情况", fmt="monthend"),
          C("整改状态", "status", parent="整改情况", fmt="syn"), C("办结日期", "closed_on", parent="整改情况", fmt="cn"),
          C("责任单位", "owner_unit"), C("责任人", "owner_person"), C("联系电话", None, field="phone"),
          C("备注", "note", alt=[None])]
    gb = build_sheet("B类纠纷", cb, items(b), title=["郏县住房和城乡建设局政务失信问题排查整治台账（纠纷类）"],
                     meta=meta_line(d, "full"), numrow="arabic", total="second", merge_keys=("owner_unit",),
                     foot=["注：1.问题类别从下拉菜单选择；2.金额单位为万元；3.整改时限精确到日。"] + signoff(d))
    gi = text_sheet("填表说明", ["填表说明", "一、本表依据《郏县政务失信问题专项治理工作方案》（郏信用办〔2021〕13号）填报。",
                                 "二、A类为案件（A1被执行未履行、A2被诉未判决），B类为纠纷（B1-B5）。",
                                 "三、企业名称填写营业执照上的全称；统一社会信用代码18位。",
                                 "四、整改状态填写：未启动、整改中、已办结。", "五、每周四下午5点前报送。"])
    # summary sheet (not data)
    gs = Grid("汇总")
    gs.put(1, 1, "住建局政务失信问题汇总表", True)
    gs.put(2, 1, "问题类别")
    gs.put(2, 2, "件数")
    gs.put(2, 3, "涉及金额（万元）")
    allr = a + b
    for i, c in enumerate(["A1", "A2", "B1", "B2", "B3", "B4", "B5"]):
        gs.put(3 + i, 1, c)
        gs.put(3 + i, 2, sum(1 for r in allr if r["category"] == c))
        gs.put(3 + i, 3, round(sum(r["amount"] for r in allr if r["category"] == c), 2))
    gs.put(10, 1, "合计")
    gs.put(10, 2, len(allr))
    gs.key = dict(name="汇总", role="summary", columns={}, data_rows=0, rows=[],
                  note="per-category count table; not ledger rows")
    f = "郏县住房和城乡建设局政务失信问题台账.xlsx"
    grids = [gi, ga, gb, gs, empty_sheet("Sheet5")]
    write_xlsx(P(f), grids)
    register(f, is_ledger=True, department="县住房和城乡建设局", grids=grids, evidence="填报单位 line and file name",
             notes=["B类纠纷 row with blank 企业名称 is an intended error (no company).",
                    "One 已办结 row lacks 办结日期 (warning).", "责任科室/责任单位 cells merged down runs of equal values."])
    # lock file of the same workbook
    lock = "~$" + f
    with open(P(lock), "wb") as fh:
        user = "zhujianju".encode("utf-16-le")
        fh.write(bytes([9]) + b"zhujianju".ljust(53, b" ") + bytes([9, 0]) + user + b"\x20\x00" * (54 - 9) + b"\x00" * 2)
    KEY["files"][lock] = dict(is_ledger=False, ignored=True, department=None,
                              department_evidence="editor lock file (~$ prefix)", format="lock", sheets=[], data_rows=0,
                              notes=["Office lock file: must be ignored, not reported as a bad file."])


def std_names_file():
    d = dname("县发展和改革委员会")
    cats = ["B4", "B3", "B1", "B3", "B5", "A2", "B1", "B4", "B3"]
    rs = [rec(c, d, source=R.choice(["部门自查", "企业反映"])) for c in cats]
    for r in rs[:3]:
        r["item_id"] = None
    cols = [C(STD[k], k, fmt=f) for k, f in
            [("seq", None), ("category", "full"), ("company", None), ("uscc", None), ("company_type", None),
             ("sector", None), ("source", None), ("description", None), ("case_no", None), ("court", None),
             ("amount", None), ("occurred_on", "iso"), ("owner_unit", None), ("owner_person", None),
             ("approach", None), ("measures", None), ("deadline", "iso"), ("status", "std"), ("paid", None),
             ("closed_on", "iso"), ("note", None)]]
    g = build_sheet("台账", cols, items(rs), title=["郏县政务失信问题排查整治台账"], meta=meta_line(d, "split"))
    f = "发改委台账.xlsx"
    write_xlsx(P(f), [g])
    register(f, is_ledger=True, department="县发展和改革委员会", grids=[g],
             evidence="填报单位 split cell '填报单位：郏县发展和改革委员会'; file name 发改委",
             notes=["Uses the standard template's own column names (control file)."])


def caizheng_file():
    d = dname("县财政局")
    cats = ["B5", "B5", "B5", "B1", "B5", "B5", "A1", "B5", "B5", "B5"]
    rs = [rec(c, d, source="部门自查") for c in cats]
    cols = [C("序号", "seq"), C("类别", "category", fmt="code"), C("债权企业", "company", w=30),
            C("信用代码", "uscc", w=22), C("事项内容", "description", w=50),
            C("涉及金额", "amount", fmt="yuan", alt=[]), C("已拨付金额", "paid", fmt="yuan"),
            C("形成时间", "occurred_on", fmt="dot"), C("案号", "case_no"), C("责任股室", "owner_unit"),
            C("承办人", "owner_person"), C("化解措施", "measures"), C("计划完成时间", "deadline", fmt="cn"),
            C("目前进展", "status", fmt="clerk"), C("备注", "note", alt=[None])]
    g = build_sheet("Sheet1", cols, items(rs), title=["郏县财政局政务失信问题排查台账"],
                    meta=meta_line(d, "short"), unit_line="金额单位：元", numrow="jiayi", total="first",
                    foot=signoff(d))
    f = "县财政局政务失信排查台账.xlsx"
    write_xlsx(P(f), [g])
    register(f, is_ledger=True, department="县财政局", grids=[g], evidence="填报单位（盖章） line",
             notes=["Amount headers carry no unit; the line above says 金额单位：元 → values are 元, amount_wan = value/10000.",
                    "甲 乙 1 2 3 … column-number row under the header."])


def shuili_file():
    d = dname("县水利局")
    cats = ["B5", "B5", "B1", "A1", "B5", "B3", "B1", "B5"]
    rs = [rec(c, d, amb=(i == 6)) for i, c in enumerate(cats)]
    rs[6]["cat_blank"] = True
    cols = [C("序号", "seq"), C("项目名称", None, field="project", alt=["description"]), C("施工企业", "company", w=30),
            C("问题简要情况", "description", w=50), C("涉及资金（万元）", "amount", fmt="wan_str"),
            C("已支付（万元）", "paid"), C("问题类型", "category", fmt="para"), C("责任单位", "owner_unit"),
            C("责任人", "owner_person"), C("整改时限", "deadline", fmt="slash"), C("整改进度", "status", fmt="clerk"),
            C("备注", "note", alt=[None])]
    g = build_sheet("清单", cols, items(rs), title=["政务失信问题清单"],
                    foot=["注：A1类案件案号见附件判决书。"])
    f = "郏县水利局_失信问题清单.xlsx"
    write_xlsx(P(f), [g])
    register(f, is_ledger=True, department="县水利局", grids=[g], evidence="file name only (no 填报单位 line, title has no unit)",
             notes=["A1 row has no 案号 column at all → A1 without 案号 (error by §3) unless category is disputed.",
                    "Amounts written as text '12.5万元'."])
    KEY["files"][f]["sheets"][0]["rows"][3]["expected_error"] = "A1 row without 案号 (no case-number column)"


def jiaotong_file():
    d = dname("县交通运输局")
    cats = ["A1", "A1", "B5", "B5", "B1", "A2", "B5", "A1", "B3"]
    rs = [rec(c, d) for c in cats]
    rs[7]["case_no"] = None
    rs[7]["err"] = "A1 row without 案号"
    rs[7]["description"] = "法院判决我局支付" + rs[7]["company"] + "工程款，尚未履行完毕，案号待查。"
    cols = [C("填报单位", None, field="deptcol", alt=[]), C("序号", "seq"), C("问题类别", "category", fmt="short"),
            C("涉及企业", "company", w=30), C("简要情况", "description", w=50), C("案号", "case_no", fmt="half"),
            C("法院", "court"), C("金额（万元）", "amount"), C("立案/发生时间", "occurred_on", fmt="int8"),
            C("责任人", "owner_person"), C("整改举措", "measures"), C("完成时限", "deadline", fmt="iso"),
            C("状态", "status", fmt="std"), C("销号时间", "closed_on", fmt="iso"), C("备注", "note", alt=[None])]
    g = build_sheet("排查台账", cols, items(rs), title=["政务失信问题排查台账"], deptcol="县交通运输局")
    f = "交通局报送.xlsx"
    write_xlsx(P(f), [g])
    register(f, is_ledger=True, department="县交通运输局", grids=[g],
             evidence="填报单位 column (每行 '县交通运输局'); also file name 交通局",
             notes=["No 责任单位 column → defaults to the reporting department.",
                    "Dates as 8-digit numbers 20211115."])


def ziran_file():
    d = dname("县自然资源局")
    cats = ["B3", "B3", "B2", "B3", "B4", "A2", "B3", "B3"]
    rs = [rec(c, d) for c in cats]
    rs[3]["err"] = "bad_deadline"
    rs[3]["bad_deadline"] = "长期"
    cols = [C("序号", "seq"), C("问题类型", "category", fmt="seed", w=30), C("市场主体名称", "company", w=30),
            C("统一社会信用代码", "uscc"), C("问题具体描述", "description", w=50),
            C("涉及面积（亩）", None, field="area"), C("涉及金额（万元）", "amount"),
            C("发生日期", "occurred_on", fmt="cn"), C("案号", "case_no"), C("牵头单位", "owner_unit"),
            C("具体负责人", "owner_person"), C("处置方式", "approach"), C("下步措施", "measures"),
            C("完成时限", "deadline", fmt="monthend"), C("进展情况", "status", fmt="syn"), C("备注", "note", alt=[None])]
    g = build_sheet("台账", cols, items(rs), title=["自然资源领域政务失信问题排查台账"], meta=meta_line(d, "variant"),
                    foot=signoff(d))
    f = "自然资源局政务失信台账.xlsx"
    write_xlsx(P(f), [g])
    register(f, is_ledger=True, department="县自然资源局", grids=[g],
             evidence="填报单位 line written with 郟 and full-width spaces",
             notes=["问题类型 uses the seed's own wording of the categories.",
                    "One 完成时限 says 长期 (present but unreadable date → error)."])


def shangwu_file():
    d = dname("县商务局")
    cats = ["B4", "B4", "B2", "B4", "B1", "B2", "B4", "B1"]
    rs = [rec(c, d, source=R.choice(["部门自查", "企业反映"])) for c in cats]
    cols = [C("序号", "seq"), C("招商项目名称", None, field="project", alt=["description"]),
            C("签约企业", "company", w=30), C("企业性质", "company_type"),
            C("签约时间", None, field="signed", alt=["occurred_on"]),
            C("协议约定优惠政策", None, field="policy", alt=["description"]), C("存在问题", "description", w=50),
            C("问题类别", "category", fmt="codedot"), C("处理意见", "measures"), C("责任单位", "owner_unit"),
            C("责任人", "owner_person"), C("办理状态", "status", fmt="std"), C("备注", "note", alt=[None])]
    g = build_sheet("招商引资", cols, items(rs), title=["郏县商务局招商引资领域政务失信问题排查台账"])
    f = "商务局.xlsx"
    write_xlsx(P(f), [g])
    register(f, is_ledger=True, department="县商务局", grids=[g], evidence="title line and file name (no 填报单位 line)",
             notes=["签约时间 is the contract date, not the problem date; 协议约定优惠政策 is an extra text column."])


def gongxin_file():
    d = dname("县工业和信息化局")
    cats = ["B1", "B5", "B5", "B2", "B1", "B5"]
    rs = [rec(c, d, source=R.choice(["企业反映", "部门自查"])) for c in cats]
    rs[3]["status_blank"] = True
    cols = [C("序号", "seq"), C("企业全称", "company", w=30), C("企业类别", "company_type"), C("反映渠道", "source"),
            C("问题简述", "description", w=50), C("问题性质", "category", fmt="para"),
            C("资金（万元）", "amount"), C("责任股室", "owner_unit"), C("分管领导", "owner_person"),
            C("工作措施", "measures"), C("时限要求", "deadline", fmt="dot"), C("进展", "status"),
            C("是否逾期", None, field="overdue")]
    g = build_sheet("台账", cols, items(rs), title=["县工信局政务失信问题排查情况"], meta=meta_line(d, "full"))
    gi = text_sheet("填报说明", ["填报说明", "1、问题类别：违约失信、违规承诺、政策规划调整、招商政策不合规、财政资金紧张。",
                                 "2、是否逾期：超过整改时限未办结的填\u201c是\u201d。"])
    f = "工信局排查情况.xlsx"
    write_xlsx(P(f), [g, gi])
    register(f, is_ledger=True, department="县工业和信息化局", grids=[g, gi], evidence="填报单位 line",
             notes=["One row has a blank 整改状态 (未启动 + warning)."])


def jiaoti_file():
    d = dname("县教育体育局")
    cats = ["B5", "B5", "A1", "B5", "B5", "A1", "A2", "B5", "B1"]
    rs = [rec(c, d) for c in cats]
    cols = [C("序号", "seq"), C("问题类型", "category", fmt="short"), C("施工（供货）单位", "company", w=30),
            C("项目名称", None, field="project", alt=["description"]), C("欠款原因及情况", "description", w=50),
            C("案号", "case_no", fmt="mix"), C("涉及金额", "amount", parent="金额（万元）"),
            C("已支付", "paid", parent="金额（万元）"), C("未支付", None, parent="金额（万元）", field="unpaid"),
            C("责任单位", "owner_unit"), C("责任人", "owner_person"),
            C("整改措施", "measures", parent="整改落实"), C("完成时限", "deadline", parent="整改落实", fmt="excel"),
            C("状态", "status", parent="整改落实", fmt="clerk"), C("备注", "note", alt=[None])]
    g = build_sheet("教体局", cols, items(rs), title=["郏县教育体育局政务失信问题排查整治台账"],
                    meta=meta_line(d, "short"), numrow="cn", total="second", foot=signoff(d))
    f = "教体局政务失信台账.xlsx"
    write_xlsx(P(f), [g])
    register(f, is_ledger=True, department="县教育体育局", grids=[g], evidence="填报单位 line",
             notes=["（一）（二）… column-number row under the two-row header.", "未支付 is derived, not a ledger column."])


def weijian_csv():
    d = dname("县卫生健康委员会")
    cats = ["B5", "B5", "B1", "A1", "B5", "B3"]
    rs = [rec(c, d) for c in cats]
    cols = [C("序号", "seq"), C("类别", "category", fmt="code"), C("企业（单位）名称", "company"),
            C("信用代码", "uscc"), C("存在问题", "description"), C("金额（万元）", "amount"),
            C("案件号", "case_no"), C("问题发生时间", "occurred_on", fmt="slash"), C("主办单位", "owner_unit"),
            C("经办人", "owner_person"), C("工作措施", "measures"), C("办结时限", "deadline", fmt="slash"),
            C("办理状态", "status"), C("完成时间", "closed_on", fmt="slash"), C("备注", "note", alt=[None])]
    g = build_sheet("卫健委台账", cols, items(rs), title=["郏县卫生健康委员会政务失信问题台账"],
                    meta="填报单位：郏县卫生健康委员会，填报日期：2021年11月23日")
    f = "卫健委台账.csv"
    write_csv(P(f), g)
    register(f, is_ledger=True, department="县卫生健康委员会", grids=[g], evidence="填报单位 line", fmt="csv-gbk",
             notes=["CSV in GBK; line breaks inside description cells are quoted."])


def chengguan_csv():
    d = dname("县城市管理局")
    cats = ["B5", "B5", "B1", "B5", "B3", "B1", "B5", "B2"]
    rs = [rec(c, d, amb=(i == 5)) for i, c in enumerate(cats)]
    cols = [C("序号", "seq"), C("企业名称", "company"), C("存在问题", "description"),
            C("涉及金额(元)", "amount", fmt="yuan"), C("责任单位", "owner_unit"), C("承办人", "owner_person"),
            C("化解方式", "approach"), C("整改措施", "measures"), C("预计办结时间", "deadline", fmt="dot"),
            C("办理进度", "status", fmt="clerk"), C("联系电话", None, field="phone"), C("备注", "note", alt=[None])]
    g = build_sheet("城管", cols, items(rs), title=["郏县城市管理局政务失信问题台账"])
    f = "城管局政务失信问题台账.csv"
    write_csv(P(f), g)
    register(f, is_ledger=True, department="县城市管理局", grids=[g], evidence="title line and file name", fmt="csv-gbk",
             notes=["No category column: category from wording; one row is ambiguous (null)."])


def nongye_file():
    d = dname("县农业农村局")
    cats = ["B1", "B3", "B5", "B1", "B5", "B2"]
    rs = [rec(c, d, kind=("coop" if i % 2 == 0 else None)) for i, c in enumerate(cats)]
    cols = [C("序号", "seq"), C("经营主体名称", "company", w=30), C("主体类型", "company_type"),
            C("主要问题", "description", w=50), C("类别", "category", fmt="code"), C("涉及资金（万元）", "amount"),
            C("发生时间", "occurred_on", fmt="excel"), C("牵头单位", "owner_unit"), C("责任人", "owner_person"),
            C("推进措施", "measures"), C("时间节点", "deadline", fmt="excel"), C("推进情况", "status", fmt="syn"),
            C("备注", "note", alt=[None])]
    g = build_sheet("农业农村", cols, items(rs), title=["郏县农业农村局政务失信问题排查整治台账"],
                    meta=meta_line(d, "full"), total="first", foot=signoff(d))
    f = "农业农村局台账.xlsx"
    write_xlsx(P(f), [g])
    register(f, is_ledger=True, department="县农业农村局", grids=[g], evidence="填报单位 line",
             notes=["Companies include 专业合作社 (企业类型 其他)."])


def wenlv_file():
    d = dname("县文化广电和旅游局")
    cats = ["B3", "B1", "B5", "B3", "B1"]
    rs = [rec(c, d) for c in cats]
    cols = [C("序号", "seq"), C("企业", "company", w=30), C("问题", "description", w=50), C("类别", "category", fmt="mix"),
            C("金额", "amount"), C("责任单位", "owner_unit"), C("责任人", "owner_person"), C("措施", "measures"),
            C("时限", "deadline", fmt="cn"), C("进度", "status", fmt="clerk"), C("备注", "note", alt=[None])]
    g = build_sheet("Sheet1", cols, items(rs), title=["文广旅局政务失信问题台账"], unit_line="单位：万元",
                    meta="填报单位：郏县文化广电和旅游局")
    f = "文广旅局 政务失信台账.xlsx"
    write_xlsx(P(f), [g])
    register(f, is_ledger=True, department="县文化广电和旅游局", grids=[g], evidence="填报单位 line",
             notes=["Header '金额' without unit; unit line says 单位：万元 (values already in 万元)."])


def jiju_file():
    d = dname("县产业集聚区管理委员会")
    s1 = [rec(c, d, source="部门自查") for c in ["B4", "B4", "B4", "B2", "B4", "B1", "B2"]]
    s2 = [rec(c, d) for c in ["A2", "B5", "B3", "B1", "B5"]]
    c1 = [C("序号", "seq"), C("企业名称", "company", parent="企业情况", w=30), C("信用代码", "uscc", parent="企业情况"),
          C("企业类型", "company_type", parent="企业情况"),
          C("招商协议签订时间", None, field="signed", alt=["occurred_on"]),
          C("问题类别", "category", fmt="full", w=30), C("问题描述", "description", w=50),
          C("涉及金额（万元）", "amount"), C("处理方式", "approach", parent="整改情况"),
          C("整改措施", "measures", parent="整改情况"), C("整改时限", "deadline", parent="整改情况", fmt="excel"),
          C("整改状态", "status", parent="整改情况"), C("责任人", "owner_person"), C("备注", "note", alt=[None])]
    it1 = [("section", "一、税收及奖补类")] + items(s1[:3]) + [("section", "二、土地及配套类")] + items(s1[3:])
    g1 = build_sheet("招商引资类", c1, it1, title=["郏县产业集聚区政务失信问题排查台账（招商引资类）"],
                     meta=meta_line(d, "full"))
    c2 = [C("序号", "seq"), C("涉及企业", "company", w=30), C("问题分类", "category", fmt="code"),
          C("基本情况", "description", w=50), C("案号", "case_no"), C("受理法院", "court"),
          C("欠款金额（万元）", "amount"), C("已偿还（万元）", "paid"), C("责任主体", "owner_unit"),
          C("包案领导", "owner_person"), C("化解措施", "measures"), C("化解时限", "deadline", fmt="slash"),
          C("化解状态", "status", fmt="xf"), C("化解时间", "closed_on", fmt="slash")]
    g2 = build_sheet("其他类", c2, items(s2), title=["郏县产业集聚区政务失信问题排查台账（其他类）"],
                     meta=meta_line(d, "full"), total="second")
    gi = text_sheet("说明", ["说明：", "本台账分招商引资类、其他类两个工作表，请分别填写。",
                             "问题类别请从下拉框选择，整改状态填写未启动/整改中/已办结。"])
    f = "产业集聚区管委会政务失信问题台账.xlsx"
    write_xlsx(P(f), [gi, g1, g2])
    register(f, is_ledger=True, department="县产业集聚区管理委员会", grids=[gi, g1, g2], evidence="填报单位 line",
             notes=["Instructions sheet comes first.", "Section rows 一、… / 二、… inside the data are not data rows.",
                    "招商协议签订时间 is the contract date (occurred_on acceptable as alternative)."])


# ---------------------------------------------------------------- townships
SYN = {
    "company": ["企业名称（全称）", "涉及企业", "企业（单位）名称", "市场主体名称", "当事企业", "企业\n名称"],
    "category": ["问题类型", "类别", "问题分类", "所属类别", "问题\n类别"],
    "uscc": ["社会信用代码", "信用代码", "统一信用代码"],
    "source": ["线索来源", "来源渠道", "问题发现渠道"],
    "description": ["问题简要情况", "存在问题", "主要问题", "基本情况", "问题具体描述", "纠纷简要情况", "事项简述"],
    "case_no": ["案号", "案件号", "法院案号"],
    "amount": ["涉及金额(万元)", "金额（万元）", "涉案金额（万元）", "涉及资金（万元）", "欠款金额（万元）",
               "涉及金额\n（万元）"],
    "amount_yuan": ["涉及金额（元）", "涉案金额（元）", "金额（元）", "欠款金额（元）"],
    "occurred_on": ["发生时间", "立案日期", "发生日期", "问题发生时间"],
    "owner_unit": ["责任主体", "承办单位", "牵头责任单位", "主办单位", "责任股室"],
    "owner_person": ["责任人", "承办人", "具体责任人", "包案领导", "经办人"],
    "measures": ["化解措施", "处理意见及措施", "工作措施", "下步打算及措施"],
    "deadline": ["完成时限", "预计办结时间", "计划完成时间", "化解时限", "办结时限"],
    "status": ["办理进度", "进展情况", "目前进展", "化解状态", "办理状态", "整改\n状态"],
    "paid": ["已兑付（万元）", "已支付金额（万元）", "已化解金额（万元）", "已偿还（万元）"],
    "closed_on": ["办结时间", "完成时间", "实际办结日期"],
    "approach": ["处置方式", "化解方式"],
}


def pick(k):
    return R.choice(SYN[k])


TOWN_PLAN = [
    # name, cats, options
    ("堂街镇人民政府", ["A1", "B5", "B1", "B5", "B3", "A2", "B1", "B5", "B2"],
     dict(two_row=True, numrow="arabic", meta="full", sections=True, total="second", cat="full", st="std",
          extra=[C("所在村（社区）", None, field="village")], fname="堂街镇政务失信问题排查台账.xlsx")),
    ("薛店镇人民政府", ["B5", "B1", "B5", "B4", "B5", "B1", "B3", "A1"],
     dict(meta="split", cat="code", st="syn", yuan=True, extra=[C("联系电话", None, field="phone")],
          merge=True, fname="薛店镇台账（11月）.xlsx")),
    ("冢头镇人民政府", ["B3", "B1", "B5", "B3", "B1", "B5"],
     dict(meta="variant", cat=None, st="clerk", extra=[C("是否逾期", None, field="overdue")], bad_deadline=2,
          amb=(4,), fname="冢头镇报送.xlsx")),
    ("安良镇人民政府", ["B5", "B5", "B1", "A1", "B2", "B5"],
     dict(two_row=True, numrow="jiayi", meta="short", cat="short", st="std", unitrow="万元", total="first",
          fname="安良镇政务失信排查整治台账.xlsx")),
    ("长桥镇人民政府", ["B1", "B5", "B3", "B5"],
     dict(meta=None, cat="mix", st="clerk", fname="附件2：政务失信问题台账（长桥镇）.xlsx")),
    ("茨芭镇人民政府", ["A1", "B3", "B1", "B5"],
     dict(meta="full", cat="para", st="std", split_sheets=True, fname="茨芭镇政务失信台账.xlsx")),
    ("黄道镇人民政府", ["B5", "B1", "B5"],
     dict(meta=None, cat="code", st="std", minimal=True, fname="黄道镇.xlsx")),
    ("李口镇人民政府", ["B1", "B5", "A2", "B3"],
     dict(meta="baosong", cat="mix", st="syn", fname="李口镇人民政府台账.xlsx")),
    ("王集乡人民政府", ["B5", "B1", "B2", "B5"],
     dict(meta="full", cat="seed", st="clerk", sections=True, extra=[C("是否逾期", None, field="overdue")],
          fname="王集乡政务失信问题台账.xlsx")),
    ("渣园乡人民政府", ["B5", "B3", "B1"],
     dict(meta="full", cat="code", st="std", start_col=2, fname="渣园乡排查台账.xlsx")),
    ("姚庄回族乡人民政府", ["B1", "B4", "B5", "B3"],
     dict(meta="full", cat="full", st="std", uscc=True, fname="姚庄回族乡政务失信台账.xlsx")),
    ("龙山街道办事处", ["B5", "B5", "B1", "A1", "B3", "B5", "B1"],
     dict(two_row=True, meta="full", cat="code", st="std", total="second", merge=True, foot=True,
          fname="龙山街道政务失信问题台账.xlsx")),
    ("东城街道办事处", ["B1", "B5", "B5", "B2", "B3", "A2"],
     dict(meta="short", cat="short", st="clerk", mixwan=True, foot=True, fname="东城街道办事处台账.xlsx")),
]


def township_files():
    for tn, cats, o in TOWN_PLAN:
        d = dname(tn)
        amb = o.get("amb", ())
        rs = [rec(c, d, amb=(i in amb and o.get("cat") is None),
                  source=R.choice(["部门自查", "部门自查", "企业反映", "信访", "热线"])) for i, c in enumerate(cats)]
        if o.get("merge"):
            rs.sort(key=lambda r: r["owner_unit"])
        if "bad_deadline" in o:
            rs[o["bad_deadline"]]["err"] = "bad_deadline"
            rs[o["bad_deadline"]]["bad_deadline"] = "待定"
        has_case = any(c in ("A1", "A2") for c in cats)
        cols = [C("序号", "seq")]
        if o.get("cat"):
            cols.append(C(pick("category"), "category", fmt=o["cat"]))
        cols.append(C(pick("company"), "company", w=30))
        if o.get("uscc"):
            cols.append(C(pick("uscc"), "uscc", w=22))
            rs[1]["uscc_blank"] = True
        if not o.get("minimal"):
            cols.append(C(pick("source"), "source"))
        cols.append(C(pick("description"), "description", w=50))
        if has_case:
            cols.append(C(pick("case_no"), "case_no", fmt="mix", w=24))
        if o.get("yuan"):
            cols.append(C(pick("amount_yuan"), "amount", fmt="yuan"))
        else:
            cols.append(C(pick("amount"), "amount", fmt="mixwan" if o.get("mixwan") else "wan"))
        if o.get("two_row") or o.get("mixwan"):
            cols.append(C(pick("paid"), "paid"))
        if not o.get("minimal"):
            cols.append(C(pick("occurred_on"), "occurred_on", fmt=R.choice(["excel", "cn", "dot", "iso"])))
        grp = "整改情况" if o.get("two_row") else None
        cols.append(C(pick("owner_unit"), "owner_unit"))
        cols.append(C(pick("owner_person"), "owner_person"))
        if not o.get("minimal"):
            cols.append(C(pick("measures"), "measures", parent=grp))
        cols.append(C(pick("deadline"), "deadline", parent=grp, fmt=R.choice(["excel", "monthend", "cn", "slash"])))
        cols.append(C(pick("status"), "status", parent=grp, fmt=o["st"]))
        if o.get("two_row") or o.get("uscc"):
            cols.append(C(pick("closed_on"), "closed_on", parent=grp, fmt="excel"))
        cols += o.get("extra", [])
        cols.append(C("备注", "note", alt=[None]))
        if o.get("two_row"):  # group enterprise columns too
            for c in cols:
                if c["key"] in ("company", "uscc"):
                    c["parent"] = "企业情况"
            # keep group columns adjacent: company (and uscc) are adjacent already; parents must be contiguous
        title = [f"{d['full']}政务失信问题排查整治台账"] if o.get("meta") not in (None,) or o.get("minimal") else \
            ["政务失信问题排查整治台账"]
        if o.get("minimal"):
            title = ["台账"]
        foot = None
        if o.get("foot"):
            foot = ["注：问题类别、整改状态按县信用办模板填写。"] + signoff(d)
        meta = meta_line(d, o["meta"]) if o.get("meta") else None
        kw = dict(title=title, meta=meta, numrow=o.get("numrow"), unitrow=o.get("unitrow"), total=o.get("total"),
                  foot=foot, merge_keys=("owner_unit",) if o.get("merge") else (), start_col=o.get("start_col", 1))
        if o.get("split_sheets"):
            ga = build_sheet("案件类", cols, items([r for r in rs if r["category"] in ("A1", "A2")]), **kw)
            gb = build_sheet("纠纷类", cols, items([r for r in rs if r["category"] not in ("A1", "A2")]), **kw)
            grids = [ga, gb]
        else:
            it = items(rs)
            if o.get("sections"):
                A = [r for r in rs if r["category"] in ("A1", "A2")]
                B = [r for r in rs if r["category"] not in ("A1", "A2")]
                it = ([("section", "一、案件类")] + items(A) if A else []) + \
                     [("section", "二、纠纷类" if A else "一、纠纷类")] + items(B)
            grids = [build_sheet(R.choice(["台账", "Sheet1", "排查台账", d["short"]]), cols, it, **kw)]
        write_xlsx(P(o["fname"]), grids)
        ev = {"full": "填报单位 line", "split": "填报单位 split cell", "variant": "填报单位 line with 郟",
              "short": "填报单位（盖章） line", "baosong": "报送单位 line", None: "file name"}[o.get("meta")]
        notes = []
        if o.get("cat") is None:
            notes.append("No category column: category from wording (ambiguous rows null).")
        if o.get("yuan"):
            notes.append("Amount column in 元 (header says 元).")
        if o.get("start_col"):
            notes.append("Table starts in column B; column A is empty.")
        if o.get("minimal"):
            notes.append("Minimal table: title '台账', no 填报单位 line; department from file name only.")
        register(o["fname"], is_ledger=True, department=tn, grids=grids, evidence=ev, notes=notes)


# ---------------------------------------------------------------- zero reports
def zero_files():
    std_cols = lambda: [C(STD[k], k) for k in ("seq", "category", "company", "description", "amount", "owner_unit",
                                               "owner_person", "measures", "deadline", "status", "note")]
    spec = [
        ("县人力资源和社会保障局", "人社局零报告.xlsx", ("none", "无", "merge"), "full", None),
        ("县司法局", "司法局台账.xlsx", None, "full", ["经排查，我局无政务失信问题。"]),
        ("县市场监督管理局", "市场监管局政务失信台账.xlsx", ("none", "经排查无相关问题", "company"), "short", None),
        ("白庙乡人民政府", "白庙乡.xlsx", ("none", "无", "first"), "full", None),
    ]
    for dn, fn, row, ms, foot in spec:
        d = dname(dn)
        cols = std_cols()
        if dn == "县市场监督管理局":
            cols[2] = C("企业名称（全称）", "company")
            cols[3] = C("存在问题", "description")
        g = build_sheet("台账", cols, [row] if row else [], title=["郏县政务失信问题排查整治台账"],
                        meta=meta_line(d, ms), foot=foot)
        g.key["zero_report"] = True
        write_xlsx(P(fn), [g])
        register(fn, is_ledger=True, department=dn, grids=[g], evidence="填报单位 line",
                 notes=["零报告 (zero report): counts as reported with 0 items."], zero_report=True)
    d = dname("广阔天地乡人民政府")
    cols = std_cols()
    g = build_sheet("零报告", cols, [("none", "无", "first")], title=["郏县政务失信问题排查整治台账"],
                    meta="填报单位：郏县广阔天地乡人民政府  填报日期：2021.11.22")
    g.key["zero_report"] = True
    fn = "广阔天地乡零报告.csv"
    write_csv(P(fn), g)
    register(fn, is_ledger=True, department="广阔天地乡人民政府", grids=[g], evidence="填报单位 line", fmt="csv-gbk",
             notes=["零报告 in GBK CSV."], zero_report=True)


# ---------------------------------------------------------------- not ledgers
def plain_table(name, title, headers, rows, sub=None, foot=None):
    g = Grid(name)
    r = 1
    for t in title:
        g.put(r, 1, t, True)
        g.merges.append((r, 1, r, len(headers)))
        r += 1
    if sub:
        g.put(r, 1, sub)
        r += 1
    for j, h in enumerate(headers):
        g.put(r, 1 + j, h, True)
    r += 1
    for row in rows:
        for j, v in enumerate(row):
            if v is not None:
                g.put(r, 1 + j, v)
        r += 1
    for f in foot or []:
        g.put(r + 1, 1, f)
        r += 1
    g.key = dict(name=name, role="not_ledger", columns={h: None for h in headers}, data_rows=0, rows=[],
                 table_rows=len(rows))
    return g


def non_ledgers():
    out = []
    # budget
    items_ = [("201", "一般公共服务支出"), ("20101", "人大事务"), ("20103", "政府办公厅（室）及相关机构事务"),
              ("205", "教育支出"), ("208", "社会保障和就业支出"), ("210", "卫生健康支出"), ("212", "城乡社区支出"),
              ("213", "农林水支出"), ("214", "交通运输支出")]
    rows = []
    for code, nm in items_:
        a, b = round(R.uniform(50, 900), 2), round(R.uniform(10, 300), 2)
        c = round(R.uniform(0, 500), 2)
        rows.append([code, nm, round(a + b + c, 2), a, b, c])
    rows.append([None, "合计", round(sum(x[2] for x in rows), 2), None, None, None])
    g = plain_table("预算支出", ["郏县2022年部门预算支出明细表"],
                    ["科目编码", "科目名称", "合计", "人员经费", "公用经费", "项目支出"], rows,
                    sub="编制单位：郏县财政局                单位：万元")
    out.append(("2022年部门预算支出明细表.xlsx", "县财政局", [g], "budget table"))
    # vehicle register
    rows = []
    for i in range(9):
        rows.append([i + 1, f"豫D{R.choice('ABCDEFGH')}{R.randint(10000, 99999)}",
                     R.choice(["大众帕萨特", "别克GL8", "丰田考斯特", "长城哈弗H6", "江淮瑞风"]),
                     R.choice(["轿车", "商务车", "越野车", "执法执勤车"]),
                     ("DATE", dt.datetime(R.randint(2012, 2020), R.randint(1, 12), R.randint(1, 28))),
                     round(R.uniform(12, 40), 2), R.choice(["局机关", "路政大队", "运管所", "公路局"]), R.choice(PEOPLE),
                     phone(), R.choice([None, "待报废", "已封存"])])
    g = plain_table("车辆", ["郏县交通运输局公务用车登记表"],
                    ["序号", "车牌号", "品牌型号", "车辆类型", "购置日期", "购置价格（万元）", "使用部门", "驾驶员", "联系电话",
                     "备注"], rows, sub="填报单位：郏县交通运输局")
    out.append(("公务车辆登记表.xlsx", "县交通运输局", [g], "vehicle register (has 填报单位 line, 备注, amount, date)"))
    # meeting sign-in
    units = ["县发改委", "县财政局", "县住建局", "县水利局", "县交通运输局", "县自然资源局", "县商务局", "县信访局",
             "县人民法院", "堂街镇", "薛店镇", "冢头镇", "龙山街道"]
    rows = [[i + 1, u, R.choice(PEOPLE), R.choice(["副局长", "办公室主任", "股长", "副镇长", "副主任"]), phone(), None]
            for i, u in enumerate(units)]
    g = plain_table("签到表", ["郏县政务失信问题专项治理工作推进会签到表"], ["序号", "单位", "姓名", "职务", "联系电话", "签到"],
                    rows, sub="时间：2021年11月15日上午9:00        地点：县政府三楼会议室")
    out.append(("政务失信专项治理推进会签到表.xlsx", None, [g], "meeting sign-in sheet (mentions 政务失信 in title)"))
    # roster
    rows = [[i + 1, R.choice(PEOPLE), R.choice(["男", "女"]), f"{R.randint(1965, 1995)}.{R.randint(1, 12):02d}",
             f"{R.randint(1985, 2018)}.{R.randint(1, 12):02d}", R.choice(["科员", "股长", "副局长", "四级主任科员"]),
             R.choice(["本科", "大专", "研究生"]), f"410425{R.randint(1965, 1995)}{R.randint(1, 12):02d}{R.randint(1, 28):02d}"
                                                 f"{R.randint(100, 999)}{R.choice('0123456789X')}", None] for i in range(12)]
    g = plain_table("花名册", ["郏县人力资源和社会保障局干部职工花名册"],
                    ["序号", "姓名", "性别", "出生年月", "参加工作时间", "职务", "学历", "身份证号", "备注"], rows)
    out.append(("干部职工花名册.xlsx", "县人力资源和社会保障局", [g], "staff roster"))
    # project progress (tricky)
    d = dname("县住房和城乡建设局")
    rows = []
    for i, p in enumerate(d["projects"]):
        co = new_company("住建")
        rows.append([i + 1, p, R.choice(["郏县住建局", "郏县城市建设投资有限公司"]), co["company"],
                     round(R.uniform(300, 9000), 2), ("DATE", dt.datetime(2021, R.randint(1, 8), R.randint(1, 28))),
                     ("DATE", dt.datetime(2022, R.randint(1, 12), R.randint(1, 28))),
                     R.choice(["主体完工", "基础施工", "完成60%", "装饰装修阶段", "已完工待验收"]),
                     R.choice(["雨季影响工期", "无", "征迁未完成", "材料价格上涨", "无"]), R.choice(PEOPLE)])
    g = plain_table("进度", ["郏县2021年住建系统在建工程项目进度统计表"],
                    ["序号", "项目名称", "建设单位", "施工单位", "合同金额（万元）", "开工日期", "计划竣工日期", "形象进度",
                     "存在问题", "责任人"], rows, sub="填报单位：郏县住房和城乡建设局    截止日期：2021年11月20日")
    out.append(("在建工程项目进度统计表.xlsx", "县住房和城乡建设局", [g],
                "project progress table (tricky: 施工单位, 合同金额, 存在问题, 责任人 look ledger-like)"))
    # hotline stats
    rows = [[t, n, int(n * R.uniform(.8, 1)), None, None] for t, n in
            [("城乡建设", 412), ("劳动保障", 230), ("市场监管", 188), ("交通出行", 97), ("涉企服务", 45), ("其他", 260)]]
    for x in rows:
        x[3] = f"{x[2] / x[1]:.1%}"
        x[4] = f"{R.uniform(.9, .99):.1%}"
    g = plain_table("统计", ["郏县12345热线2021年11月工单统计"], ["诉求类别", "工单数量", "已办结", "办结率", "满意率"], rows,
                    sub="统计单位：县政务服务和大数据管理局")
    out.append(("12345热线11月工单统计.xlsx", "县政务服务和大数据管理局", [g], "hotline monthly statistics"))
    # contact list
    rows = [[i + 1, DEPTS[n]["full"], R.choice(PEOPLE), R.choice(["办公室主任", "股长", "科员"]), phone(), phone()]
            for i, n in enumerate(list(DEPTS)[:16])]
    g = plain_table("联络员", ["郏县社会信用体系建设工作联络员名单"], ["序号", "单位名称", "联络员", "职务", "办公电话", "手机"], rows)
    out.append(("各单位信用工作联络员名单.xlsx", None, [g], "contact list of departments"))
    for fn, dn, grids, what in out:
        write_xlsx(P(fn), grids)
        register(fn, is_ledger=False, department=dn, grids=grids, evidence="(not a ledger)", notes=[what])
    # asset register csv
    rows = [[f"ZC{2015 + i % 6}{R.randint(1000, 9999)}", R.choice(["台式计算机", "打印机", "空调", "办公桌", "投影仪"]),
             R.choice(["联想M720", "惠普M1136", "格力KFR-35", "1.6m", "爱普生CB-X05"]),
             f"{R.randint(2015, 2021)}-{R.randint(1, 12):02d}-{R.randint(1, 28):02d}", R.randint(800, 12000),
             R.choice(["办公室", "计财股", "基建办"]), R.choice(["三楼301", "二楼205", "库房"]), R.choice(PEOPLE)]
            for i in range(10)]
    g = plain_table("资产", ["郏县教育体育局固定资产盘点表"],
                    ["资产编号", "资产名称", "规格型号", "取得日期", "原值（元）", "使用部门", "存放地点", "使用人"], rows)
    fn = "固定资产盘点表.csv"
    write_csv(P(fn), g)
    register(fn, is_ledger=False, department="县教育体育局", grids=[g], evidence="(not a ledger)", fmt="csv-gbk",
             notes=["fixed-asset register"])


# =========================================================================== main
def main():
    if os.path.isdir(INBOX):
        shutil.rmtree(INBOX)
    os.makedirs(INBOX)
    court_files()
    xinfang_file()
    hotline_file()
    zhujian_file()
    std_names_file()
    caizheng_file()
    shuili_file()
    jiaotong_file()
    ziran_file()
    shangwu_file()
    gongxin_file()
    jiaoti_file()
    weijian_csv()
    chengguan_csv()
    nongye_file()
    wenlv_file()
    jiju_file()
    township_files()
    zero_files()
    non_ledgers()
    files = KEY["files"]
    led = {f: v for f, v in files.items() if v["is_ledger"]}
    headers = [(f, s["name"], h) for f, v in led.items() for s in v["sheets"] for h in s.get("columns", {})]
    KEY["summary"] = dict(
        files=len(files), ledgers=len(led), zero_reports=sum(1 for v in led.values() if v.get("zero_report")),
        not_ledgers=sum(1 for v in files.values() if not v["is_ledger"] and not v.get("ignored")),
        ignored=sum(1 for v in files.values() if v.get("ignored")),
        xlsx=sum(1 for f in files if f.endswith(".xlsx") and not f.startswith("~$")),
        csv=sum(1 for f in files if f.endswith(".csv")),
        data_rows=sum(v["data_rows"] for v in led.values()),
        expected_error_rows=sum(1 for v in led.values() for s in v["sheets"] for r in s["rows"] if r["expected_error"]),
        rows_with_category=sum(1 for v in led.values() for s in v["sheets"] for r in s["rows"] if r["category"]),
        ledger_headers=len(headers), distinct_ledger_header_texts=len({h for _, _, h in headers}),
        distinct_nonledger_column_headers_in_ledgers=len({h for f, v in led.items() for s in v["sheets"]
                                                          for h, k in s.get("columns", {}).items() if k is None}),
        category_counts={c: sum(1 for v in led.values() for s in v["sheets"] for r in s["rows"] if r["category"] == c)
                         for c in CAT_LABEL},
    )
    KEY["standard_columns"] = STD
    KEY["conventions"] = {
        "columns": "sheet.columns maps the exact header cell text (leaf cell of a two-row header) to the standard key, "
                   "or null for a column that is not a ledger column. columns_standard_name gives the standard's "
                   "Chinese column name. column_details[].alt lists other keys a reasonable reader could accept.",
        "rows": "data_rows counts real data rows (not title/填报单位/header/number/unit/section/合计/footer rows). "
                "Rows with expected_error are real data rows that the standard says must be returned as errors.",
        "values": "values hold what the clerk meant, normalised: company as written (before width normalisation), "
                  "amounts in 万元, dates ISO, status as one of 未启动/整改中/已办结 (null = blank cell).",
        "category": "category = intended category when clear (from the category cell, else 案号, else wording); "
                    "null when not clear; category_basis says which.",
        "department": "canonical registry name from ledger-standard.md §5.",
    }
    with open(os.path.join(HERE, "answer_key.json"), "w", encoding="utf-8") as fh:
        json.dump(KEY, fh, ensure_ascii=False, indent=1, default=str)
    print(json.dumps(KEY["summary"], ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
