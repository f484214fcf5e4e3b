//! The two interface languages. Chinese is the default; English is complete too.
//!
//! Every string of the interface is a field of [`Texts`], and each language is one `const`
//! value of it, so a missing translation is a compile error rather than a blank on the page.
//! Catalog and campaign content carry their own [`configurator::Localized`] text.

use configurator::Localized;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The name of the cookie that remembers the chosen language.
pub const LANG_COOKIE: &str = "c2m_lang";

/// An interface language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lang {
    /// Simplified Chinese, the default.
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// The BCP 47 tag, for `<html lang>` and number formatting.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The value stored in the language cookie.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// Reads a cookie value; anything unknown falls back to Chinese.
    pub fn from_code(code: &str) -> Lang {
        match code.trim() {
            "en" => Lang::En,
            _ => Lang::Zh,
        }
    }

    /// Picks the language out of a `Cookie` header value.
    pub fn from_cookie_header(header: &str) -> Lang {
        header
            .split(';')
            .filter_map(|pair| pair.split_once('='))
            .find(|(name, _)| name.trim() == LANG_COOKIE)
            .map(|(_, value)| Lang::from_code(value))
            .unwrap_or_default()
    }

    /// The interface strings of this language.
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    /// Chooses the text of this language out of catalog content.
    pub fn pick(self, text: &Localized) -> String {
        match self {
            Lang::Zh => text.zh.clone(),
            Lang::En => text.en.clone(),
        }
    }
}

/// The language signal shared by every page.
pub fn use_lang() -> RwSignal<Lang> {
    expect_context::<RwSignal<Lang>>()
}

/// Every string of the interface.
pub struct Texts {
    pub brand: &'static str,
    pub nav_campaign: &'static str,
    pub nav_configure: &'static str,
    pub switch_to: &'static str,
    pub presale_badge: &'static str,
    pub price_lease: &'static str,
    pub price_purchase: &'static str,
    pub per_month: &'static str,
    pub battery_rental_from: &'static str,
    pub ends_in: &'static str,
    pub ended: &'static str,
    pub days: &'static str,
    pub hours: &'static str,
    pub minutes: &'static str,
    pub seconds: &'static str,
    pub presale_ends_at: &'static str,
    pub configure_cta: &'static str,
    pub key_facts: &'static str,
    pub how_title: &'static str,
    pub how_steps: [(&'static str, &'static str); 3],
    pub promise_title: &'static str,
    pub promises: [&'static str; 3],
    pub configure_title: &'static str,
    pub state_selected: &'static str,
    pub state_forced: &'static str,
    pub state_excluded: &'static str,
    pub state_selectable: &'static str,
    pub because: &'static str,
    pub you_chose: &'static str,
    pub you_declined: &'static str,
    pub rule: &'static str,
    pub group_rule_one: &'static str,
    pub group_rule_at_most_one: &'static str,
    pub choose_one: &'static str,
    pub choose_optional: &'static str,
    pub choose_any: &'static str,
    pub included: &'static str,
    pub conflict_title: &'static str,
    pub conflict_body: &'static str,
    pub conflict_apply: &'static str,
    pub conflict_cancel: &'static str,
    pub impossible: &'static str,
    pub complete_for_me: &'static str,
    pub reset: &'static str,
    pub summary: &'static str,
    pub price_breakdown: &'static str,
    pub base_price: &'static str,
    pub total: &'static str,
    pub choose_sales_mode: &'static str,
    pub lease_terms_title: &'static str,
    pub lease_monthly_fee: &'static str,
    pub lease_mileage_cap: &'static str,
    pub lease_overage: &'static str,
    pub lease_contract: &'static str,
    pub lease_note: &'static str,
    pub km_per_month: &'static str,
    pub per_km: &'static str,
    pub months: &'static str,
    pub still_to_choose: &'static str,
    pub ready: &'static str,
    pub save: &'static str,
    pub saving: &'static str,
    pub saved_title: &'static str,
    pub share_link: &'static str,
    pub copy: &'static str,
    pub save_needs_complete: &'static str,
    pub restored_title: &'static str,
    pub restored_body: &'static str,
    pub withdrawn_title: &'static str,
    pub withdrawn_body: &'static str,
    pub catalog_changed: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub back_home: &'static str,
    pub loading: &'static str,
    pub error_title: &'static str,
    pub footer: &'static str,
    pub yuan: &'static str,
}

/// Simplified Chinese.
pub const ZH: Texts = Texts {
    brand: "C2M 共创",
    nav_campaign: "预售活动",
    nav_configure: "定制我的车",
    switch_to: "English",
    presale_badge: "共创预售进行中",
    price_lease: "电池租用",
    price_purchase: "整车购买",
    per_month: "/月",
    battery_rental_from: "电池租用费",
    ends_in: "距预售结束",
    ended: "预售已结束",
    days: "天",
    hours: "时",
    minutes: "分",
    seconds: "秒",
    presale_ends_at: "预售截止",
    configure_cta: "开始定制",
    key_facts: "核心参数",
    how_title: "你来决定这台车",
    how_steps: [
        (
            "选配置",
            "外观、轮毂、内饰、电池包与购买方式，每一步即时校验。",
        ),
        ("投票", "颜色与配置由大家投票决定，结果实时公开。"),
        ("预订", "小订可退；锁单前会明确告知哪些款项不再退还。"),
    ],
    promise_title: "我们的承诺",
    promises: [
        "电池租用的全部条款（月费、里程上限、超出费用、合同期限）在下单前完整展示。",
        "你看到的每一个配置都真实可选，图片与配置一致。",
        "冷静期内取消，全额退款；不可退款的规则在确认前写明。",
    ],
    configure_title: "定制你的",
    state_selected: "已选",
    state_forced: "自动包含",
    state_excluded: "不可选",
    state_selectable: "可选",
    because: "原因",
    you_chose: "你选择了",
    you_declined: "你取消了",
    rule: "规则",
    group_rule_one: "只能选一项",
    group_rule_at_most_one: "最多选一项",
    choose_one: "必选一项",
    choose_optional: "可选一项",
    choose_any: "可多选",
    included: "已含",
    conflict_title: "需要调整之前的选择",
    conflict_body: "要选择「{}」，需要取消以下选择：",
    conflict_apply: "取消这些并选择",
    conflict_cancel: "保持原样",
    impossible: "该选项在当前车型目录中不可用。",
    complete_for_me: "帮我补全",
    reset: "重新开始",
    summary: "配置清单",
    price_breakdown: "价格明细",
    base_price: "基础车价",
    total: "合计",
    choose_sales_mode: "选择购买方式后显示价格",
    lease_terms_title: "电池租用条款",
    lease_monthly_fee: "月租费",
    lease_mileage_cap: "每月里程上限",
    lease_overage: "超出里程费用",
    lease_contract: "合同期限",
    lease_note: "以上条款在保存与预订前均会再次展示，无任何未披露的限制。",
    km_per_month: "公里/月",
    per_km: "/公里",
    months: "个月",
    still_to_choose: "尚未选择",
    ready: "配置完整，可以保存",
    save: "保存并分享",
    saving: "保存中…",
    saved_title: "已保存",
    share_link: "分享链接",
    copy: "复制",
    save_needs_complete: "请先完成所有必选项",
    restored_title: "已恢复分享的配置",
    restored_body: "配置码",
    withdrawn_title: "部分选项已下架",
    withdrawn_body: "以下选项在当前目录中已不再提供，已从配置中移除，请重新选择：",
    catalog_changed: "该配置保存于目录版本 {saved}，已按当前版本 {current} 重新校验。",
    not_found_title: "页面不存在",
    not_found_body: "找不到你要的页面或配置码。",
    back_home: "返回首页",
    loading: "加载中…",
    error_title: "出错了",
    footer: "C2M 共创平台 · 价格以人民币计 · 所有时间按你的所在时区显示",
    yuan: "元",
};

/// English.
pub const EN: Texts = Texts {
    brand: "C2M Studio",
    nav_campaign: "Pre-sale",
    nav_configure: "Configure",
    switch_to: "中文",
    presale_badge: "Co-creation pre-sale open",
    price_lease: "Battery lease",
    price_purchase: "Full purchase",
    per_month: "/month",
    battery_rental_from: "Battery rental",
    ends_in: "Pre-sale ends in",
    ended: "The pre-sale has ended",
    days: "d",
    hours: "h",
    minutes: "m",
    seconds: "s",
    presale_ends_at: "Pre-sale closes",
    configure_cta: "Configure yours",
    key_facts: "Key facts",
    how_title: "You decide what gets built",
    how_steps: [
        (
            "Configure",
            "Paint, wheels, interior, battery pack and how you pay, checked at every click.",
        ),
        (
            "Vote",
            "Colours and options are decided by vote, with live public results.",
        ),
        (
            "Reserve",
            "Reservations are refundable; before you lock, we say exactly what stops being refundable.",
        ),
    ],
    promise_title: "Our promises",
    promises: [
        "Every term of the battery lease (monthly fee, mileage cap, charge beyond it, contract length) is shown before you commit.",
        "Every option you see can really be chosen, and pictures match the car you configure.",
        "Cancel within the cooling-off period for a full refund; non-refundable rules are stated before you confirm.",
    ],
    configure_title: "Configure your",
    state_selected: "Selected",
    state_forced: "Included",
    state_excluded: "Unavailable",
    state_selectable: "Available",
    because: "Why",
    you_chose: "you chose",
    you_declined: "you declined",
    rule: "rule",
    group_rule_one: "only one can be chosen",
    group_rule_at_most_one: "at most one can be chosen",
    choose_one: "Choose one",
    choose_optional: "Optional, one at most",
    choose_any: "Choose any",
    included: "Included",
    conflict_title: "This needs an earlier choice changed",
    conflict_body: "To choose “{}”, these choices have to go:",
    conflict_apply: "Drop them and choose",
    conflict_cancel: "Keep my choices",
    impossible: "This option is not available in the current catalog.",
    complete_for_me: "Complete for me",
    reset: "Start over",
    summary: "Your car",
    price_breakdown: "Price breakdown",
    base_price: "Base price",
    total: "Total",
    choose_sales_mode: "Choose how you pay to see your price",
    lease_terms_title: "Battery lease terms",
    lease_monthly_fee: "Monthly fee",
    lease_mileage_cap: "Mileage cap",
    lease_overage: "Beyond the cap",
    lease_contract: "Contract length",
    lease_note: "These terms are shown again before you save or reserve. There are no undisclosed limits.",
    km_per_month: "km/month",
    per_km: "/km",
    months: "months",
    still_to_choose: "Still to choose",
    ready: "Your car is complete and can be saved",
    save: "Save and share",
    saving: "Saving…",
    saved_title: "Saved",
    share_link: "Share link",
    copy: "Copy",
    save_needs_complete: "Complete every required choice first",
    restored_title: "Shared configuration restored",
    restored_body: "Code",
    withdrawn_title: "Some options were withdrawn",
    withdrawn_body: "These options are no longer offered in the current catalog and were removed; please choose again:",
    catalog_changed: "Saved with catalog version {saved}; re-checked against the current version {current}.",
    not_found_title: "Page not found",
    not_found_body: "We could not find that page or configuration code.",
    back_home: "Back to the pre-sale",
    loading: "Loading…",
    error_title: "Something went wrong",
    footer: "C2M Studio · prices in CNY · times shown in your time zone",
    yuan: "CNY",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_header_picks_the_language() {
        assert_eq!(Lang::from_cookie_header("a=1; c2m_lang=en"), Lang::En);
        assert_eq!(Lang::from_cookie_header("c2m_lang=zh"), Lang::Zh);
        assert_eq!(Lang::from_cookie_header("c2m_lang=xx"), Lang::Zh);
        assert_eq!(Lang::from_cookie_header(""), Lang::Zh);
    }
}
