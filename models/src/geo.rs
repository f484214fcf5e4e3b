//! The provinces of mainland China and their main cities: where a person's demand is counted,
//! how the dashboard's tile map lays the provinces out, and how the demo seed weights a
//! national launch (a rough share of new-energy car sales, not a census).

/// A province-level division.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Province {
    /// Stored id (pinyin).
    pub id: &'static str,
    /// Chinese name.
    pub zh: &'static str,
    /// English name.
    pub en: &'static str,
    /// Column and row on the dashboard's tile map (8 × 8, north-west at 0, 0).
    pub tile: (u8, u8),
    /// Relative weight of a national launch.
    pub weight: u32,
    /// Main cities: stored id (pinyin), Chinese and English name, relative weight.
    pub cities: &'static [City],
}

/// A city of a province.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct City {
    /// Stored id (pinyin).
    pub id: &'static str,
    /// Chinese name.
    pub zh: &'static str,
    /// English name.
    pub en: &'static str,
    /// Relative weight within its province.
    pub weight: u32,
}

const fn c(id: &'static str, zh: &'static str, en: &'static str, weight: u32) -> City {
    City { id, zh, en, weight }
}

/// Every province, north to south.
pub const PROVINCES: &[Province] = &[
    p(
        "heilongjiang",
        "黑龙江",
        "Heilongjiang",
        (7, 0),
        14,
        &[
            c("haerbin", "哈尔滨", "Harbin", 6),
            c("daqing", "大庆", "Daqing", 2),
        ],
    ),
    p(
        "neimenggu",
        "内蒙古",
        "Inner Mongolia",
        (4, 1),
        10,
        &[
            c("huhehaote", "呼和浩特", "Hohhot", 3),
            c("baotou", "包头", "Baotou", 2),
        ],
    ),
    p(
        "jilin",
        "吉林",
        "Jilin",
        (7, 1),
        12,
        &[
            c("changchun", "长春", "Changchun", 5),
            c("jilinshi", "吉林市", "Jilin City", 2),
        ],
    ),
    p(
        "xinjiang",
        "新疆",
        "Xinjiang",
        (1, 2),
        9,
        &[
            c("wulumuqi", "乌鲁木齐", "Urumqi", 5),
            c("kelamayi", "克拉玛依", "Karamay", 1),
        ],
    ),
    p(
        "gansu",
        "甘肃",
        "Gansu",
        (2, 2),
        8,
        &[
            c("lanzhou", "兰州", "Lanzhou", 5),
            c("tianshui", "天水", "Tianshui", 1),
        ],
    ),
    p(
        "ningxia",
        "宁夏",
        "Ningxia",
        (3, 2),
        4,
        &[c("yinchuan", "银川", "Yinchuan", 4)],
    ),
    p(
        "shanxi",
        "山西",
        "Shanxi",
        (4, 2),
        18,
        &[
            c("taiyuan", "太原", "Taiyuan", 5),
            c("datong", "大同", "Datong", 2),
        ],
    ),
    p(
        "beijing",
        "北京",
        "Beijing",
        (5, 2),
        40,
        &[c("beijing", "北京", "Beijing", 1)],
    ),
    p(
        "tianjin",
        "天津",
        "Tianjin",
        (6, 2),
        22,
        &[c("tianjin", "天津", "Tianjin", 1)],
    ),
    p(
        "liaoning",
        "辽宁",
        "Liaoning",
        (7, 2),
        22,
        &[
            c("shenyang", "沈阳", "Shenyang", 5),
            c("dalian", "大连", "Dalian", 4),
        ],
    ),
    p(
        "qinghai",
        "青海",
        "Qinghai",
        (2, 3),
        3,
        &[c("xining", "西宁", "Xining", 3)],
    ),
    p(
        "shaanxi",
        "陕西",
        "Shaanxi",
        (3, 3),
        28,
        &[
            c("xian", "西安", "Xi'an", 8),
            c("baoji", "宝鸡", "Baoji", 1),
        ],
    ),
    p(
        "henan",
        "河南",
        "Henan",
        (4, 3),
        52,
        &[
            c("zhengzhou", "郑州", "Zhengzhou", 8),
            c("luoyang", "洛阳", "Luoyang", 3),
            c("nanyang", "南阳", "Nanyang", 2),
        ],
    ),
    p(
        "hebei",
        "河北",
        "Hebei",
        (5, 3),
        36,
        &[
            c("shijiazhuang", "石家庄", "Shijiazhuang", 5),
            c("tangshan", "唐山", "Tangshan", 3),
            c("baoding", "保定", "Baoding", 3),
        ],
    ),
    p(
        "shandong",
        "山东",
        "Shandong",
        (6, 3),
        62,
        &[
            c("jinan", "济南", "Jinan", 5),
            c("qingdao", "青岛", "Qingdao", 6),
            c("yantai", "烟台", "Yantai", 3),
            c("linyi", "临沂", "Linyi", 2),
        ],
    ),
    p(
        "xizang",
        "西藏",
        "Tibet",
        (1, 4),
        1,
        &[c("lasa", "拉萨", "Lhasa", 1)],
    ),
    p(
        "sichuan",
        "四川",
        "Sichuan",
        (2, 4),
        46,
        &[
            c("chengdu", "成都", "Chengdu", 10),
            c("mianyang", "绵阳", "Mianyang", 2),
        ],
    ),
    p(
        "chongqing",
        "重庆",
        "Chongqing",
        (3, 4),
        30,
        &[c("chongqing", "重庆", "Chongqing", 1)],
    ),
    p(
        "hubei",
        "湖北",
        "Hubei",
        (4, 4),
        34,
        &[
            c("wuhan", "武汉", "Wuhan", 8),
            c("xiangyang", "襄阳", "Xiangyang", 2),
            c("yichang", "宜昌", "Yichang", 2),
        ],
    ),
    p(
        "anhui",
        "安徽",
        "Anhui",
        (5, 4),
        34,
        &[c("hefei", "合肥", "Hefei", 7), c("wuhu", "芜湖", "Wuhu", 2)],
    ),
    p(
        "jiangsu",
        "江苏",
        "Jiangsu",
        (6, 4),
        72,
        &[
            c("nanjing", "南京", "Nanjing", 6),
            c("suzhou", "苏州", "Suzhou", 7),
            c("wuxi", "无锡", "Wuxi", 4),
            c("changzhou", "常州", "Changzhou", 3),
        ],
    ),
    p(
        "shanghai",
        "上海",
        "Shanghai",
        (7, 4),
        58,
        &[c("shanghai", "上海", "Shanghai", 1)],
    ),
    p(
        "yunnan",
        "云南",
        "Yunnan",
        (2, 5),
        20,
        &[
            c("kunming", "昆明", "Kunming", 6),
            c("qujing", "曲靖", "Qujing", 1),
        ],
    ),
    p(
        "guizhou",
        "贵州",
        "Guizhou",
        (3, 5),
        14,
        &[
            c("guiyang", "贵阳", "Guiyang", 5),
            c("zunyi", "遵义", "Zunyi", 2),
        ],
    ),
    p(
        "hunan",
        "湖南",
        "Hunan",
        (4, 5),
        32,
        &[
            c("changsha", "长沙", "Changsha", 7),
            c("zhuzhou", "株洲", "Zhuzhou", 2),
            c("hengyang", "衡阳", "Hengyang", 2),
        ],
    ),
    p(
        "jiangxi",
        "江西",
        "Jiangxi",
        (5, 5),
        20,
        &[
            c("nanchang", "南昌", "Nanchang", 5),
            c("ganzhou", "赣州", "Ganzhou", 2),
        ],
    ),
    p(
        "zhejiang",
        "浙江",
        "Zhejiang",
        (6, 5),
        76,
        &[
            c("hangzhou", "杭州", "Hangzhou", 8),
            c("ningbo", "宁波", "Ningbo", 5),
            c("wenzhou", "温州", "Wenzhou", 3),
            c("jinhua", "金华", "Jinhua", 2),
        ],
    ),
    p(
        "guangxi",
        "广西",
        "Guangxi",
        (3, 6),
        24,
        &[
            c("nanning", "南宁", "Nanning", 5),
            c("liuzhou", "柳州", "Liuzhou", 3),
            c("guilin", "桂林", "Guilin", 1),
        ],
    ),
    p(
        "guangdong",
        "广东",
        "Guangdong",
        (4, 6),
        96,
        &[
            c("guangzhou", "广州", "Guangzhou", 8),
            c("shenzhen", "深圳", "Shenzhen", 9),
            c("dongguan", "东莞", "Dongguan", 4),
            c("foshan", "佛山", "Foshan", 4),
        ],
    ),
    p(
        "fujian",
        "福建",
        "Fujian",
        (5, 6),
        30,
        &[
            c("fuzhou", "福州", "Fuzhou", 4),
            c("xiamen", "厦门", "Xiamen", 4),
            c("quanzhou", "泉州", "Quanzhou", 3),
        ],
    ),
    p(
        "hainan",
        "海南",
        "Hainan",
        (4, 7),
        12,
        &[
            c("haikou", "海口", "Haikou", 4),
            c("sanya", "三亚", "Sanya", 2),
        ],
    ),
];

#[allow(clippy::too_many_arguments)]
const fn p(
    id: &'static str,
    zh: &'static str,
    en: &'static str,
    tile: (u8, u8),
    weight: u32,
    cities: &'static [City],
) -> Province {
    Province {
        id,
        zh,
        en,
        tile,
        weight,
        cities,
    }
}

/// The province with a stored id.
pub fn province(id: &str) -> Option<&'static Province> {
    PROVINCES.iter().find(|p| p.id == id)
}

/// A city with its stored id, within a province.
pub fn city(province_id: &str, city_id: &str) -> Option<&'static City> {
    province(province_id)?
        .cities
        .iter()
        .find(|c| c.id == city_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_province_has_its_own_tile_and_ids() {
        assert_eq!(PROVINCES.len(), 31);
        let mut tiles: Vec<_> = PROVINCES.iter().map(|p| p.tile).collect();
        tiles.sort();
        tiles.dedup();
        assert_eq!(tiles.len(), 31);
        for p in PROVINCES {
            assert!(p.tile.0 < 8 && p.tile.1 < 8, "{}", p.id);
            assert!(!p.cities.is_empty(), "{}", p.id);
            assert_eq!(province(p.id), Some(p));
        }
        assert_eq!(
            city("guangdong", "shenzhen").map(|c| c.en),
            Some("Shenzhen")
        );
        assert_eq!(city("guangdong", "wuhan"), None);
    }
}
