//! Errors in words. [`error_text`] renders every [`AppError`] in the page's language: the
//! `match` has no catch-all arm, so a new variant does not compile until it has words here.
//!
//! The server's own messages are English sentences for API clients; a page never shows them
//! in Chinese, and never shows a field's wire name (`earnest_fen`, `tagline.zh`): a refused
//! field is named by its label and explained by what would be right. An English page may
//! show the server's sentence when it names no internal identifier (it often holds the
//! amounts that apply).

use super::Lang;
use crate::error::{AppError, RuleDetails};
use crate::format;
use crate::models::OrderStatus;
use configurator::Money;

/// A field of a form as the interface names it, and what a valid value is.
pub struct FieldText {
    /// The field's name on the page.
    pub label: &'static str,
    /// What is accepted, as a phrase (no final full stop).
    pub hint: &'static str,
}

/// The error texts of one language, one `const` per language like [`super::Texts`].
pub struct ErrorTexts {
    pub unknown_car_line: &'static str,
    pub unknown_option: &'static str,
    pub malformed_code: &'static str,
    /// Takes what was not found (one of the `what_*` texts).
    pub not_found: fn(&str) -> String,
    pub not_found_any: &'static str,
    pub what_poll: &'static str,
    pub what_order: &'static str,
    pub what_configuration: &'static str,
    pub what_campaign: &'static str,
    pub what_account: &'static str,
    pub what_auction: &'static str,
    pub what_car_line: &'static str,
    pub what_token: &'static str,
    pub invalid_configuration: &'static str,
    pub incomplete_configuration: &'static str,
    pub bad_request: &'static str,
    pub unauthenticated: &'static str,
    pub forbidden: &'static str,
    /// Takes the roles that may do it, already joined with [`ErrorTexts::or`].
    pub only_roles: fn(&str) -> String,
    pub or: &'static str,
    pub role_consumer: &'static str,
    pub role_marketer: &'static str,
    pub role_oem: &'static str,
    pub role_admin: &'static str,
    pub no_org: &'static str,
    pub invalid_credentials: &'static str,
    /// Takes the seconds until the next attempt.
    pub rate_limited: fn(u64) -> String,
    /// Too many registrations from one address.
    pub too_many_registrations: fn(u64) -> String,
    pub login_taken: &'static str,
    /// Takes the field's label, then what is wrong with it.
    pub invalid_field: fn(&str, &str) -> String,
    /// What is wrong with a field that has no hint of its own.
    pub invalid_value: &'static str,
    /// A refused field that the interface has no name for.
    pub invalid_unknown_field: &'static str,
    /// Takes an item's label and its number in its list (from 1).
    pub nth: fn(&str, usize) -> String,
    pub campaign_not_open: &'static str,
    pub not_open_yet: &'static str,
    pub presale_ended: &'static str,
    pub sold_out: &'static str,
    pub already_reserved: &'static str,
    /// Takes the order's status, in words.
    pub order_state: fn(&str) -> String,
    pub order_pending: &'static str,
    pub cooling_off_ended: &'static str,
    pub order_changed: &'static str,
    pub only_dropped_change: &'static str,
    pub confirmation_required: &'static str,
    pub idempotency_key_reused: &'static str,
    pub auction_rule: &'static str,
    pub already_registered: &'static str,
    pub invalid_deposit: &'static str,
    pub try_again: &'static str,
    pub poll_closed: &'static str,
    /// Takes the seconds to wait before trying again.
    pub busy: fn(u64) -> String,
    /// Takes how many live streams one client may follow.
    pub too_many_streams: fn(u64) -> String,
    /// A payment callback was refused (only the provider sees this; pages never should).
    pub payment_callback: &'static str,
    pub internal: &'static str,
    pub f_campaign_id: FieldText,
    pub f_car_line: FieldText,
    pub f_title_zh: FieldText,
    pub f_title_en: FieldText,
    pub f_tagline_zh: FieldText,
    pub f_tagline_en: FieldText,
    pub f_edition: FieldText,
    pub f_opens_at: FieldText,
    pub f_closes_at: FieldText,
    pub f_batches: FieldText,
    pub f_batch: FieldText,
    pub f_reservation: FieldText,
    pub f_earnest: FieldText,
    pub f_cooling_off: FieldText,
    pub f_polls: FieldText,
    pub f_poll_id: FieldText,
    pub f_poll_question: FieldText,
    pub f_poll_choices: FieldText,
    pub f_poll_closes_at: FieldText,
    pub f_thresholds: FieldText,
    pub f_threshold_option: FieldText,
    pub f_threshold_target: FieldText,
    pub f_threshold_deadline: FieldText,
    pub f_catalog_version: FieldText,
    pub f_choice: FieldText,
    pub f_configuration_code: FieldText,
    pub f_login: FieldText,
    pub f_password: FieldText,
    pub f_display_name: FieldText,
    pub f_org: FieldText,
    pub f_request_key: FieldText,
    pub f_starts_at: FieldText,
    pub f_ends_at: FieldText,
    pub f_starting_price: FieldText,
    pub f_max_raise: FieldText,
    pub f_reserve: FieldText,
    pub f_amounts: FieldText,
    pub f_increments: FieldText,
    pub f_deposits: FieldText,
    pub f_durations: FieldText,
    pub f_anti_sniping: FieldText,
    pub f_confirm_hours: FieldText,
    pub f_pay_hours: FieldText,
    pub f_offer_hours: FieldText,
    pub f_bid_amount: FieldText,
    pub f_proxy_max: FieldText,
    pub f_token_name: FieldText,
    pub f_from: FieldText,
    pub f_to: FieldText,
    pub f_sales_mode: FieldText,
    pub f_province: FieldText,
    pub f_figure: FieldText,
    pub f_step: FieldText,
}

/// Simplified Chinese.
pub const ER_ZH: ErrorTexts = ErrorTexts {
    unknown_car_line: "没有找到这个车型。",
    unknown_option: "所选的部分选项不在当前目录中，请重新选择。",
    malformed_code: "这不是有效的配置码：配置码为 8 位字母和数字。",
    not_found: |what| format!("没有找到这个{what}。"),
    not_found_any: "没有找到你要的内容。",
    what_poll: "投票",
    what_order: "订单",
    what_configuration: "配置",
    what_campaign: "活动",
    what_account: "账号",
    what_auction: "竞拍",
    what_car_line: "车型",
    what_token: "令牌",
    invalid_configuration: "所选配置违反了目录规则，请调整冲突的选项。",
    incomplete_configuration: "配置尚未完成：还有必选项没有选择。",
    bad_request: "请求无法处理，请刷新页面后重试。",
    unauthenticated: "请先登录。",
    forbidden: "你的账号无权进行此操作。",
    only_roles: |roles| format!("只有{roles}账号可以进行此操作。"),
    or: "或",
    role_consumer: "买家",
    role_marketer: "市场人员",
    role_oem: "制造商",
    role_admin: "管理员",
    no_org: "此账号不属于任何制造商。",
    invalid_credentials: "账号或密码错误。",
    rate_limited: |seconds| format!("登录尝试次数过多，请 {seconds} 秒后再试。"),
    too_many_registrations: |seconds| {
        format!(
            "此网络注册的账户过多，请 {} 分钟后再试。",
            seconds.div_ceil(60)
        )
    },
    login_taken: "该邮箱或手机号已注册。",
    invalid_field: |label, problem| format!("{label}：{problem}。"),
    invalid_value: "填写的内容无效",
    invalid_unknown_field: "有一项填写的内容无效，请检查后重试。",
    nth: |label, n| format!("{label}（第 {n} 项）"),
    campaign_not_open: "该活动现在不接受预订。",
    not_open_yet: "预订尚未开始。",
    presale_ended: "预售已结束。",
    sold_out: "该活动的所有批次均已约满。",
    already_reserved: "你在该活动中已有有效的预订。",
    order_state: |status| format!("订单当前状态为「{status}」，无法进行此操作。"),
    order_pending: "订单的付款正在确认中，请稍后再试。",
    cooling_off_ended: "冷静期已结束：定金不再退还。",
    order_changed: "订单刚刚发生了变化，请刷新页面。",
    only_dropped_change: "只有含未达投产门槛选项的订单可以更换配置；其他订单请取消后重新预订。",
    confirmation_required: "锁单需要你明确确认：锁单将支付定金，冷静期结束后定金不再退还。",
    idempotency_key_reused: "该请求标识已用于另一个请求，请刷新页面后重试。",
    auction_rule: "竞拍规则不允许此操作。",
    already_registered: "你已登记本场竞拍。",
    invalid_deposit: "保证金金额无效。",
    try_again: "请稍后重试。",
    poll_closed: "投票已截止。",
    busy: |seconds| format!("服务器正忙，请 {seconds} 秒后再试。"),
    too_many_streams: |limit| {
        format!("你已同时打开 {limit} 个实时竞拍页面，请先关闭一个再打开新的。")
    },
    payment_callback: "支付通知未被接受。",
    internal: "服务器出了点问题，请稍后再试。",
    f_campaign_id: FieldText {
        label: "活动 ID",
        hint: "须为 3 到 40 个小写字母、数字或短横线，不能与其他活动重复，创建后不能修改",
    },
    f_car_line: FieldText {
        label: "车型",
        hint: "须为已发布配置表的车型，创建后不能修改",
    },
    f_title_zh: FieldText {
        label: "标题（中文）",
        hint: "须为 1 到 120 个字",
    },
    f_title_en: FieldText {
        label: "标题（英文）",
        hint: "须为 1 到 120 个字",
    },
    f_tagline_zh: FieldText {
        label: "副标题（中文）",
        hint: "须为 1 到 120 个字",
    },
    f_tagline_en: FieldText {
        label: "副标题（英文）",
        hint: "须为 1 到 120 个字",
    },
    f_edition: FieldText {
        label: "编号",
        hint: "须为 1 到 60 个字，如 No. 001",
    },
    f_opens_at: FieldText {
        label: "开始预订",
        hint: "预热开始不能晚于开始预订，开始预订须早于预售截止",
    },
    f_closes_at: FieldText {
        label: "预售截止",
        hint: "须在将来；已截止的活动不能再编辑",
    },
    f_batches: FieldText {
        label: "批次上限",
        hint: "须为 1 到 20 个批次；已有预订的批次不能删除",
    },
    f_batch: FieldText {
        label: "批次上限",
        hint: "每批 1 到 1,000,000 台，且不能低于已预订的数量",
    },
    f_reservation: FieldText {
        label: "预订金",
        hint: "须大于 0",
    },
    f_earnest: FieldText {
        label: "定金",
        hint: "须大于 0，且不超过车价的 20%",
    },
    f_cooling_off: FieldText {
        label: "冷静期",
        hint: "须为 0 到 720 小时",
    },
    f_polls: FieldText {
        label: "投票",
        hint: "最多 10 个投票；已有人投票的问题不能删除",
    },
    f_poll_id: FieldText {
        label: "投票",
        hint: "不是本活动的投票",
    },
    f_poll_question: FieldText {
        label: "投票问题",
        hint: "请同时填写中文和英文问题",
    },
    f_poll_choices: FieldText {
        label: "投票选项",
        hint: "须为 2 到 10 个选项，每个选项的 ID 互不相同；有人投票后只能改名，不能增删或调整顺序",
    },
    f_poll_closes_at: FieldText {
        label: "投票截止",
        hint: "须在将来，且不晚于预售截止",
    },
    f_thresholds: FieldText {
        label: "投产门槛",
        hint: "最多 20 个；已判定的门槛不能删除",
    },
    f_threshold_option: FieldText {
        label: "投产门槛的选项",
        hint: "须为本车型目录中的选项，每个选项一个门槛；已判定的门槛不能修改",
    },
    f_threshold_target: FieldText {
        label: "投产门槛的预订数",
        hint: "须为 1 到 10,000,000",
    },
    f_threshold_deadline: FieldText {
        label: "投产门槛的截止时间",
        hint: "须在将来，且不晚于预售截止",
    },
    f_catalog_version: FieldText {
        label: "目录版本",
        hint: "须为该车型已有的目录版本；已有订单后不能更换",
    },
    f_choice: FieldText {
        label: "投票选项",
        hint: "请从本投票的选项中选择",
    },
    f_configuration_code: FieldText {
        label: "配置码",
        hint: "须为本车型已保存的 8 位配置码，且不含未达投产门槛的选项",
    },
    f_login: FieldText {
        label: "邮箱或手机号",
        hint: "请填写邮箱地址（如 name@example.com）或 11 位手机号",
    },
    f_password: FieldText {
        label: "密码",
        hint: "至少 8 位，且不超过 1024 字节",
    },
    f_display_name: FieldText {
        label: "昵称",
        hint: "须为 1 到 60 个字",
    },
    f_org: FieldText {
        label: "所属机构",
        hint: "制造商团队成员须属于一个机构",
    },
    f_request_key: FieldText {
        label: "请求标识",
        hint: "请刷新页面后重试",
    },
    f_starts_at: FieldText {
        label: "开始时间",
        hint: "请填写有效的日期和时间",
    },
    f_ends_at: FieldText {
        label: "结束时间",
        hint: "须在将来，且晚于开始时间",
    },
    f_starting_price: FieldText {
        label: "起拍价",
        hint: "须为大于 0 的金额",
    },
    f_max_raise: FieldText {
        label: "单次最大加价",
        hint: "须大于 0，且不低于任何一档加价幅度",
    },
    f_reserve: FieldText {
        label: "保留价",
        hint: "不能低于起拍价",
    },
    f_amounts: FieldText {
        label: "金额",
        hint: "有金额超出了允许的范围",
    },
    f_increments: FieldText {
        label: "最小加价幅度",
        hint: "至少一档，第一档从 0 开始，起始金额逐档递增，加价幅度须大于 0",
    },
    f_deposits: FieldText {
        label: "保证金档位",
        hint: "至少一档，第一档从 0 开始，起始金额逐档递增，保证金不能递减",
    },
    f_durations: FieldText {
        label: "期限",
        hint: "每个期限须为 1 到 720 小时",
    },
    f_anti_sniping: FieldText {
        label: "防狙击延时",
        hint: "须为 0（关闭）到 1440 分钟",
    },
    f_confirm_hours: FieldText {
        label: "确认期限",
        hint: "须为 1 到 720 小时",
    },
    f_pay_hours: FieldText {
        label: "付款期限",
        hint: "须为 1 到 720 小时",
    },
    f_offer_hours: FieldText {
        label: "第二次机会答复期限",
        hint: "须为 1 到 720 小时",
    },
    f_bid_amount: FieldText {
        label: "出价金额",
        hint: "请输入有效金额（元）",
    },
    f_proxy_max: FieldText {
        label: "代理出价上限",
        hint: "请输入有效金额（元）",
    },
    f_token_name: FieldText {
        label: "令牌用途",
        hint: "须为 1 到 80 个字，例如使用它的系统",
    },
    f_from: FieldText {
        label: "开始日期",
        hint: "日期格式为 YYYY-MM-DD",
    },
    f_to: FieldText {
        label: "结束日期",
        hint: "日期格式为 YYYY-MM-DD，且不早于开始日期",
    },
    f_sales_mode: FieldText {
        label: "销售方式",
        hint: "须为租电或买断",
    },
    f_province: FieldText {
        label: "省份",
        hint: "请从列表中选择省份",
    },
    f_figure: FieldText {
        label: "导出的数据项",
        hint: "请选择一项可导出的数据",
    },
    f_step: FieldText {
        label: "结算步骤",
        hint: "请刷新页面后重试",
    },
};

/// English.
pub const ER_EN: ErrorTexts = ErrorTexts {
    unknown_car_line: "There is no such car line.",
    unknown_option: "Some chosen options are not in the current catalog; please choose again.",
    malformed_code: "That is not a configuration code: codes are 8 letters and digits.",
    not_found: |what| format!("This {what} was not found."),
    not_found_any: "What you asked for was not found.",
    what_poll: "poll",
    what_order: "order",
    what_configuration: "configuration",
    what_campaign: "campaign",
    what_account: "account",
    what_auction: "auction",
    what_car_line: "car line",
    what_token: "token",
    invalid_configuration: "These choices break the catalog's rules; change the conflicting options.",
    incomplete_configuration: "The configuration is not complete: some required choices are still open.",
    bad_request: "The request could not be understood; reload the page and try again.",
    unauthenticated: "Please log in first.",
    forbidden: "Your account may not do this.",
    only_roles: |roles| format!("Only {roles} accounts may do this."),
    or: " or ",
    role_consumer: "buyer",
    role_marketer: "marketer",
    role_oem: "OEM",
    role_admin: "admin",
    no_org: "This account belongs to no OEM.",
    invalid_credentials: "The login or the password is wrong.",
    too_many_registrations: |seconds| {
        format!(
            "Too many accounts were registered from this network. Try again in {} minutes.",
            seconds.div_ceil(60)
        )
    },
    rate_limited: |seconds| {
        format!("Too many login attempts; try again in {seconds} seconds.")
    },
    login_taken: "An account with this login already exists.",
    invalid_field: |label, problem| format!("{label}: {problem}."),
    invalid_value: "this value is not valid",
    invalid_unknown_field: "One of the fields is not valid; please check it and try again.",
    nth: |label, n| format!("{label} (no. {n})"),
    campaign_not_open: "This campaign is not taking reservations now.",
    not_open_yet: "Reservations have not opened yet.",
    presale_ended: "The pre-sale has ended.",
    sold_out: "All batches of this campaign are full.",
    already_reserved: "You already have an active reservation in this campaign.",
    order_state: |status| format!("This order is “{status}”, so this is not possible now."),
    order_pending: "The order's payment is being confirmed; please try again shortly.",
    cooling_off_ended: "The cooling-off period has ended: the earnest money is no longer refundable.",
    order_changed: "The order changed meanwhile; please reload the page.",
    only_dropped_change: "Only an order whose configuration lost an option to a demand threshold can change it; otherwise cancel and reserve again.",
    confirmation_required: "Locking must be confirmed: it pays the earnest money, which is no longer refundable after the cooling-off period.",
    idempotency_key_reused: "This request key was already used for a different request; reload the page and try again.",
    auction_rule: "The auction's rules do not allow this.",
    already_registered: "You are already registered for this auction.",
    invalid_deposit: "The deposit amount is not valid.",
    try_again: "Please try again.",
    poll_closed: "The poll has closed.",
    busy: |seconds| format!("The server is busy; please try again in {seconds} seconds."),
    too_many_streams: |limit| {
        format!("You already follow {limit} live auctions at once; close one to open another.")
    },
    payment_callback: "The payment notification was not accepted.",
    internal: "Something went wrong on our side; please try again later.",
    f_campaign_id: FieldText {
        label: "Campaign id",
        hint: "3 to 40 lower-case letters, digits and dashes, not used by another campaign; it cannot change later",
    },
    f_car_line: FieldText {
        label: "Car line",
        hint: "a car line with a published catalog; it cannot change later",
    },
    f_title_zh: FieldText {
        label: "Title (Chinese)",
        hint: "1 to 120 characters",
    },
    f_title_en: FieldText {
        label: "Title (English)",
        hint: "1 to 120 characters",
    },
    f_tagline_zh: FieldText {
        label: "Tagline (Chinese)",
        hint: "1 to 120 characters",
    },
    f_tagline_en: FieldText {
        label: "Tagline (English)",
        hint: "1 to 120 characters",
    },
    f_edition: FieldText {
        label: "Edition",
        hint: "1 to 60 characters, e.g. “No. 001”",
    },
    f_opens_at: FieldText {
        label: "Reservations open",
        hint: "the warm-up starts no later than the opening, which comes before the close",
    },
    f_closes_at: FieldText {
        label: "Pre-sale closes",
        hint: "must be in the future; a closed campaign can no longer be edited",
    },
    f_batches: FieldText {
        label: "Batch caps",
        hint: "1 to 20 batches; a batch with reservations cannot be removed",
    },
    f_batch: FieldText {
        label: "Batch cap",
        hint: "1 to 1,000,000 units, and not below the units already reserved",
    },
    f_reservation: FieldText {
        label: "Reservation amount",
        hint: "must be more than 0",
    },
    f_earnest: FieldText {
        label: "Earnest money",
        hint: "more than 0 and at most 20 % of the car's price",
    },
    f_cooling_off: FieldText {
        label: "Cooling-off period",
        hint: "0 to 720 hours",
    },
    f_polls: FieldText {
        label: "Polls",
        hint: "at most 10 polls; a poll with votes cannot be removed",
    },
    f_poll_id: FieldText {
        label: "Poll",
        hint: "not a poll of this campaign",
    },
    f_poll_question: FieldText {
        label: "Poll question",
        hint: "ask the question in both languages",
    },
    f_poll_choices: FieldText {
        label: "Poll choices",
        hint: "2 to 10 choices, each with its own id; once votes are cast they can be renamed but not added, removed or reordered",
    },
    f_poll_closes_at: FieldText {
        label: "Poll closes",
        hint: "in the future and no later than the campaign's close",
    },
    f_thresholds: FieldText {
        label: "Production thresholds",
        hint: "at most 20; a decided threshold cannot be removed",
    },
    f_threshold_option: FieldText {
        label: "Threshold option",
        hint: "an option of this car's catalog, one threshold per option; a decided threshold cannot change",
    },
    f_threshold_target: FieldText {
        label: "Threshold target",
        hint: "1 to 10,000,000 reservations",
    },
    f_threshold_deadline: FieldText {
        label: "Threshold deadline",
        hint: "in the future and no later than the campaign's close",
    },
    f_catalog_version: FieldText {
        label: "Catalog version",
        hint: "a catalog version of this car line; it cannot change once orders are placed",
    },
    f_choice: FieldText {
        label: "Poll choice",
        hint: "choose one of this poll's choices",
    },
    f_configuration_code: FieldText {
        label: "Configuration code",
        hint: "a saved 8-character code of this car line, without an option that missed its threshold",
    },
    f_login: FieldText {
        label: "E-mail or mobile number",
        hint: "enter an e-mail address (like name@example.com) or an 11-digit mobile number",
    },
    f_password: FieldText {
        label: "Password",
        hint: "at least 8 characters and at most 1024 bytes",
    },
    f_display_name: FieldText {
        label: "Display name",
        hint: "1 to 60 characters",
    },
    f_org: FieldText {
        label: "Organisation",
        hint: "an OEM team member belongs to an organisation",
    },
    f_request_key: FieldText {
        label: "Request key",
        hint: "reload the page and try again",
    },
    f_starts_at: FieldText {
        label: "Start",
        hint: "enter a valid date and time",
    },
    f_ends_at: FieldText {
        label: "End",
        hint: "must be in the future and after the start",
    },
    f_starting_price: FieldText {
        label: "Starting price",
        hint: "an amount above 0",
    },
    f_max_raise: FieldText {
        label: "Maximum raise per bid",
        hint: "above 0 and at least every increment",
    },
    f_reserve: FieldText {
        label: "Reserve price",
        hint: "not below the starting price",
    },
    f_amounts: FieldText {
        label: "Amounts",
        hint: "an amount is out of the accepted range",
    },
    f_increments: FieldText {
        label: "Minimum increments",
        hint: "at least one row, the first from 0, in ascending order, each increment above 0",
    },
    f_deposits: FieldText {
        label: "Deposit tiers",
        hint: "at least one row, the first from 0, in ascending order, deposits never decreasing",
    },
    f_durations: FieldText {
        label: "Deadlines",
        hint: "each deadline is 1 to 720 hours",
    },
    f_anti_sniping: FieldText {
        label: "Anti-sniping window",
        hint: "0 (off) to 1440 minutes",
    },
    f_confirm_hours: FieldText {
        label: "Hours to confirm",
        hint: "1 to 720 hours",
    },
    f_pay_hours: FieldText {
        label: "Hours to pay",
        hint: "1 to 720 hours",
    },
    f_offer_hours: FieldText {
        label: "Hours to answer a second-chance offer",
        hint: "1 to 720 hours",
    },
    f_bid_amount: FieldText {
        label: "Bid",
        hint: "enter a valid amount in CNY",
    },
    f_proxy_max: FieldText {
        label: "Proxy maximum",
        hint: "enter a valid amount in CNY",
    },
    f_token_name: FieldText {
        label: "Token name",
        hint: "1 to 80 characters, e.g. the system that uses it",
    },
    f_from: FieldText {
        label: "From",
        hint: "a date written YYYY-MM-DD",
    },
    f_to: FieldText {
        label: "To",
        hint: "a date written YYYY-MM-DD, not before the first day",
    },
    f_sales_mode: FieldText {
        label: "Sales mode",
        hint: "lease or purchase",
    },
    f_province: FieldText {
        label: "Province",
        hint: "choose a province from the list",
    },
    f_figure: FieldText {
        label: "Exported figure",
        hint: "choose one of the exported figures",
    },
    f_step: FieldText {
        label: "Settlement step",
        hint: "reload the page and try again",
    },
};

/// The error in the page's language.
pub fn error_text(lang: Lang, error: &AppError) -> String {
    let t = lang.texts().er;
    match error {
        AppError::UnknownCarLine { .. } => t.unknown_car_line.into(),
        AppError::UnknownOption { .. } => t.unknown_option.into(),
        AppError::MalformedCode { .. } => t.malformed_code.into(),
        AppError::NotFound { what } => match what_words(t, what) {
            Some(what) => (t.not_found)(what),
            None => t.not_found_any.into(),
        },
        AppError::InvalidConfiguration { .. } => t.invalid_configuration.into(),
        AppError::IncompleteConfiguration { .. } => t.incomplete_configuration.into(),
        AppError::BadRequest { .. } => t.bad_request.into(),
        AppError::Unauthenticated => t.unauthenticated.into(),
        AppError::Forbidden { message } => forbidden(lang, message),
        AppError::InvalidCredentials => t.invalid_credentials.into(),
        AppError::RateLimited { retry_after_secs } => (t.rate_limited)(*retry_after_secs),
        AppError::TooManyRegistrations { retry_after_secs } => {
            (t.too_many_registrations)(*retry_after_secs)
        }
        AppError::LoginTaken => t.login_taken.into(),
        AppError::InvalidField { field, message } => match field_words(t, field) {
            Some((label, hint)) => (t.invalid_field)(&label, problem(lang, message, hint)),
            None => t.invalid_unknown_field.into(),
        },
        AppError::CampaignNotOpen { message } => match message.as_str() {
            "reservations have not opened yet" => t.not_open_yet.into(),
            "the pre-sale has ended" => t.presale_ended.into(),
            _ => server_words(lang, message, t.campaign_not_open),
        },
        AppError::SoldOut => t.sold_out.into(),
        AppError::AlreadyReserved => t.already_reserved.into(),
        AppError::OrderState { status, message } => order_state(lang, *status, message),
        AppError::ConfirmationRequired { message } => {
            server_words(lang, message, t.confirmation_required)
        }
        AppError::IdempotencyKeyReused => t.idempotency_key_reused.into(),
        AppError::AuctionRule { rule, details, .. } => auction_rule(lang, rule, details.as_deref()),
        AppError::PollClosed => t.poll_closed.into(),
        AppError::Busy { retry_after_secs } => (t.busy)(*retry_after_secs),
        AppError::TooManyStreams { limit } => (t.too_many_streams)(*limit),
        AppError::BadSignature | AppError::CallbackRefused { .. } => t.payment_callback.into(),
        AppError::Internal { .. } => t.internal.into(),
    }
}

/// What is wrong with a refused field, for the place next to it (the label is already
/// there): on an English page the server's words when they name nothing internal, else the
/// field's hint; a field the interface does not know gets a generic phrase.
pub fn field_problem(lang: Lang, field: &str, message: &str) -> String {
    let t = lang.texts().er;
    let hint = field_words(t, field).map_or(t.invalid_value, |(_, hint)| hint);
    problem(lang, message, hint).to_string()
}

fn problem<'a>(lang: Lang, message: &'a str, hint: &'a str) -> &'a str {
    match lang {
        Lang::En if plain(message) => message.trim_end_matches('.'),
        _ => hint,
    }
}

/// The server's sentence on an English page if it names nothing internal, else `fallback`.
fn server_words(lang: Lang, message: &str, fallback: &str) -> String {
    match lang {
        Lang::En if plain(message) => sentence(message),
        _ => fallback.into(),
    }
}

/// Words a page may show: no `code`, no snake_case identifier, no amounts in fen.
fn plain(message: &str) -> bool {
    !message.trim().is_empty()
        && !message.contains(['`', '{', '}', '[', ']'])
        && message
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .all(|word| !word.contains('_') && word != "fen")
}

/// `the pre-sale has ended` → `The pre-sale has ended.`
fn sentence(message: &str) -> String {
    let message = message.trim();
    let mut chars = message.chars();
    let mut out: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// "poll p1", "order o1", "car line", ... as the page's word for it.
fn what_words(t: &ErrorTexts, what: &str) -> Option<&'static str> {
    if what.starts_with("car line") {
        return Some(t.what_car_line);
    }
    Some(match what.split_whitespace().next()? {
        "poll" => t.what_poll,
        "order" => t.what_order,
        "configuration" => t.what_configuration,
        "campaign" => t.what_campaign,
        "account" => t.what_account,
        "auction" => t.what_auction,
        "token" => t.what_token,
        _ => return None,
    })
}

/// The label and hint of a field as named in a request: `earnest_fen`, `tagline.zh`,
/// `batches[2]`, `polls[0].question`, `thresholds[1].target`.
fn field_words(t: &ErrorTexts, field: &str) -> Option<(String, &'static str)> {
    if let Some((list, rest)) = field.split_once('[') {
        let (index, sub) = rest.split_once(']')?;
        let n = index.parse::<usize>().ok()? + 1;
        let item = match (list, sub.strip_prefix('.').unwrap_or(sub)) {
            ("batches", "") => &t.f_batch,
            ("polls", "id") => &t.f_poll_id,
            ("polls", "question") => &t.f_poll_question,
            ("polls", "choices") => &t.f_poll_choices,
            ("polls", "closes_at") => &t.f_poll_closes_at,
            ("thresholds", "option") => &t.f_threshold_option,
            ("thresholds", "target") => &t.f_threshold_target,
            ("thresholds", "deadline") => &t.f_threshold_deadline,
            _ => return None,
        };
        return Some(((t.nth)(item.label, n), item.hint));
    }
    let f = match field {
        "id" => &t.f_campaign_id,
        "car_line" => &t.f_car_line,
        "title.zh" => &t.f_title_zh,
        "title.en" => &t.f_title_en,
        "tagline.zh" => &t.f_tagline_zh,
        "tagline.en" => &t.f_tagline_en,
        "title" => &t.f_edition,
        "opens_at" => &t.f_opens_at,
        "closes_at" => &t.f_closes_at,
        "batches" => &t.f_batches,
        "reservation_fen" => &t.f_reservation,
        "earnest_fen" => &t.f_earnest,
        "cooling_off_hours" => &t.f_cooling_off,
        "polls" => &t.f_polls,
        "thresholds" => &t.f_thresholds,
        "catalog_version" => &t.f_catalog_version,
        "choice" => &t.f_choice,
        "configuration_code" => &t.f_configuration_code,
        "login" => &t.f_login,
        "password" => &t.f_password,
        "display_name" => &t.f_display_name,
        "org_id" => &t.f_org,
        "idempotency_key" => &t.f_request_key,
        "starts_at" => &t.f_starts_at,
        "ends_at" => &t.f_ends_at,
        "starting_price_fen" => &t.f_starting_price,
        "max_raise_fen" => &t.f_max_raise,
        "reserve_fen" => &t.f_reserve,
        "amounts" => &t.f_amounts,
        "increments" => &t.f_increments,
        "deposits" => &t.f_deposits,
        "durations" => &t.f_durations,
        "anti_sniping_minutes" => &t.f_anti_sniping,
        "confirm_within_hours" => &t.f_confirm_hours,
        "pay_within_hours" => &t.f_pay_hours,
        "offer_within_hours" => &t.f_offer_hours,
        "amount_fen" => &t.f_bid_amount,
        "max_fen" => &t.f_proxy_max,
        "name" => &t.f_token_name,
        "from" => &t.f_from,
        "to" => &t.f_to,
        "sales_mode" => &t.f_sales_mode,
        "province" => &t.f_province,
        "figure" => &t.f_figure,
        "step" => &t.f_step,
        _ => return None,
    };
    Some((f.label.to_string(), f.hint))
}

/// "only consumer or marketer accounts may vote" names the roles that may; the page names
/// them in its language.
fn forbidden(lang: Lang, message: &str) -> String {
    let t = lang.texts().er;
    if message == "this account belongs to no OEM" {
        return t.no_org.into();
    }
    if lang == Lang::En && plain(message) {
        return sentence(message);
    }
    let roles = message
        .strip_prefix("only ")
        .and_then(|rest| rest.split_once(" accounts may "))
        .and_then(|(roles, _)| {
            roles
                .split(" or ")
                .map(|role| match role {
                    "consumer" => Some(t.role_consumer),
                    "marketer" => Some(t.role_marketer),
                    "oem" => Some(t.role_oem),
                    "admin" => Some(t.role_admin),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()
        });
    match roles {
        Some(roles) => (t.only_roles)(&roles.join(t.or)),
        None => t.forbidden.into(),
    }
}

/// Why an order cannot be changed, cancelled or locked now.
fn order_state(lang: Lang, status: OrderStatus, message: &str) -> String {
    let t = lang.texts().er;
    if message.contains("cooling-off period has ended") {
        return t.cooling_off_ended.into();
    }
    if message.contains("changed meanwhile") {
        return t.order_changed.into();
    }
    if message.starts_with("only an order whose configuration lost an option") {
        return t.only_dropped_change.into();
    }
    if message.contains("payment is being confirmed") {
        return t.order_pending.into();
    }
    let texts = lang.texts();
    let status = match status {
        OrderStatus::PendingPayment => texts.status_pending_payment,
        OrderStatus::Reserved => texts.status_reserved,
        OrderStatus::PaymentFailed => texts.status_payment_failed,
        OrderStatus::Cancelled => texts.status_cancelled,
        OrderStatus::Locking => texts.status_locking,
        OrderStatus::Locked => texts.status_locked,
    };
    (t.order_state)(status)
}

/// An auction's refusal by its rule code, with the amounts that apply.
fn auction_rule(lang: Lang, rule: &str, details: Option<&RuleDetails>) -> String {
    let t = lang.texts().au;
    let er = lang.texts().er;
    let amount = |of: fn(&RuleDetails) -> Option<i64>| {
        details
            .and_then(of)
            .map(|fen| format::money(Money(fen)))
            .unwrap_or_default()
    };
    match rule {
        "below_minimum" => (t.err_below_minimum)(&amount(|d| d.minimum)),
        "above_max_raise" => (t.err_above_max_raise)(&amount(|d| d.maximum)),
        "deposit_too_low" => {
            (t.err_deposit_too_low)(&amount(|d| d.required), &amount(|d| d.top_up))
        }
        "proxy_below_minimum" => (t.err_proxy_below_minimum)(&amount(|d| d.minimum)),
        "proxy_not_raised" => (t.err_proxy_not_raised)(&amount(|d| d.current)),
        "already_leading" => t.err_already_leading.into(),
        "ended" => t.err_ended.into(),
        "not_started" => t.err_not_started.into(),
        "not_registered" => t.err_not_registered.into(),
        "excluded" => t.err_excluded.into(),
        "wrong_phase" => t.err_wrong_phase.into(),
        "not_the_bidder" => t.err_not_the_bidder.into(),
        "deadline_passed" => t.err_deadline_passed.into(),
        "no_runner_up" => t.err_no_runner_up.into(),
        "amount_out_of_range" => t.err_amount_invalid.into(),
        "already_registered" => er.already_registered.into(),
        "invalid_amount" => er.invalid_deposit.into(),
        "clock_went_back" => er.try_again.into(),
        _ => er.auction_rule.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One of each variant; [`index`] fails to compile when a variant is added, and the test
    /// below fails until it is listed here.
    fn every_variant() -> Vec<AppError> {
        vec![
            AppError::UnknownCarLine {
                line: "xiao_man".into(),
            },
            AppError::UnknownOption {
                options: vec!["sand_gold".into()],
            },
            AppError::MalformedCode {
                code: "bad_code".into(),
            },
            AppError::not_found("order ord_123"),
            AppError::InvalidConfiguration { conflict: vec![] },
            AppError::IncompleteConfiguration {
                open_groups: vec!["battery_pack".into()],
            },
            AppError::bad_request("callback body: missing field `payment_id`"),
            AppError::Unauthenticated,
            AppError::forbidden("only consumer accounts may reserve cars"),
            AppError::InvalidCredentials,
            AppError::RateLimited {
                retry_after_secs: 42,
            },
            AppError::LoginTaken,
            AppError::invalid("earnest_fen", "the earnest money must be positive"),
            AppError::CampaignNotOpen {
                message: "the pre-sale has ended".into(),
            },
            AppError::SoldOut,
            AppError::AlreadyReserved,
            AppError::OrderState {
                status: OrderStatus::PaymentFailed,
                message: "an order that is payment_failed cannot be locked".into(),
            },
            AppError::ConfirmationRequired {
                message: "Locking pays ¥5,000.00 of earnest money.".into(),
            },
            AppError::IdempotencyKeyReused,
            AppError::AuctionRule {
                rule: "below_minimum".into(),
                message: "the bid must be at least 3000000".into(),
                details: Some(Box::new(RuleDetails {
                    code: "below_minimum".into(),
                    minimum: Some(3_000_000),
                    ..RuleDetails::default()
                })),
            },
            AppError::PollClosed,
            AppError::Busy {
                retry_after_secs: 1,
            },
            AppError::TooManyStreams { limit: 8 },
            AppError::TooManyRegistrations {
                retry_after_secs: 600,
            },
            AppError::BadSignature,
            AppError::CallbackRefused {
                reason: crate::models::CallbackRefusal::Stale,
                message: "signed 10 minutes ago".into(),
            },
            AppError::Internal {
                message: "database error".into(),
            },
        ]
    }

    fn index(error: &AppError) -> usize {
        match error {
            AppError::UnknownCarLine { .. } => 0,
            AppError::UnknownOption { .. } => 1,
            AppError::MalformedCode { .. } => 2,
            AppError::NotFound { .. } => 3,
            AppError::InvalidConfiguration { .. } => 4,
            AppError::IncompleteConfiguration { .. } => 5,
            AppError::BadRequest { .. } => 6,
            AppError::Unauthenticated => 7,
            AppError::Forbidden { .. } => 8,
            AppError::InvalidCredentials => 9,
            AppError::RateLimited { .. } => 10,
            AppError::LoginTaken => 11,
            AppError::InvalidField { .. } => 12,
            AppError::CampaignNotOpen { .. } => 13,
            AppError::SoldOut => 14,
            AppError::AlreadyReserved => 15,
            AppError::OrderState { .. } => 16,
            AppError::ConfirmationRequired { .. } => 17,
            AppError::IdempotencyKeyReused => 18,
            AppError::AuctionRule { .. } => 19,
            AppError::PollClosed => 20,
            AppError::Internal { .. } => 21,
            AppError::Busy { .. } => 22,
            AppError::TooManyStreams { .. } => 23,
            AppError::BadSignature => 24,
            AppError::CallbackRefused { .. } => 25,
            AppError::TooManyRegistrations { .. } => 26,
        }
    }

    /// A snake_case identifier (`earnest_fen`, `payment_failed`) or a localized field's wire
    /// name (`tagline.zh`).
    fn leaks_identifier(text: &str) -> bool {
        text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
            .any(|word| word.contains('_') || word.ends_with(".zh") || word.ends_with(".en"))
    }

    fn has_chinese(text: &str) -> bool {
        text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    #[test]
    fn every_variant_is_listed() {
        let mut seen: Vec<usize> = every_variant().iter().map(index).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen, (0..27).collect::<Vec<_>>());
    }

    #[test]
    fn every_variant_renders_in_both_languages() {
        for error in every_variant() {
            let zh = error_text(Lang::Zh, &error);
            let en = error_text(Lang::En, &error);
            assert!(has_chinese(&zh), "{error:?} in Chinese: {zh}");
            assert!(!leaks_identifier(&zh), "{error:?} in Chinese: {zh}");
            assert!(!zh.contains(&error.to_string()), "{error:?} echoed: {zh}");
            assert!(
                !en.is_empty() && !has_chinese(&en),
                "{error:?} in English: {en}"
            );
            assert!(!leaks_identifier(&en), "{error:?} in English: {en}");
            assert_ne!(zh, en);
        }
    }

    /// Every field name the services refuse (grep `AppError::invalid(` and `rule_field`).
    const FIELDS: &[&str] = &[
        "id",
        "car_line",
        "title.zh",
        "title.en",
        "tagline.zh",
        "tagline.en",
        "title",
        "opens_at",
        "closes_at",
        "batches",
        "batches[0]",
        "batches[12]",
        "reservation_fen",
        "earnest_fen",
        "cooling_off_hours",
        "polls",
        "polls[0].id",
        "polls[1].question",
        "polls[0].choices",
        "polls[2].closes_at",
        "thresholds",
        "thresholds[0].option",
        "thresholds[0].target",
        "thresholds[3].deadline",
        "catalog_version",
        "choice",
        "configuration_code",
        "login",
        "password",
        "display_name",
        "org_id",
        "idempotency_key",
        "starts_at",
        "ends_at",
        "starting_price_fen",
        "max_raise_fen",
        "reserve_fen",
        "amounts",
        "increments",
        "deposits",
        "durations",
        "anti_sniping_minutes",
        "confirm_within_hours",
        "pay_within_hours",
        "offer_within_hours",
        "amount_fen",
        "max_fen",
        "name",
        "from",
        "to",
        "sales_mode",
        "province",
        "figure",
        "step",
    ];

    #[test]
    fn known_fields_are_named_by_their_label() {
        for field in FIELDS {
            let error = AppError::invalid(*field, "must be `x_fen` in fen");
            for lang in [Lang::Zh, Lang::En] {
                let text = error_text(lang, &error);
                assert!(field_words(lang.texts().er, field).is_some(), "{field}");
                assert!(!leaks_identifier(&text), "{field}: {text}");
                assert!(!text.contains("fen"), "{field}: {text}");
                assert_ne!(text, lang.texts().er.invalid_unknown_field, "{field}");
            }
        }
        let zh = error_text(Lang::Zh, &AppError::invalid("earnest_fen", "too much"));
        assert_eq!(zh, "定金：须大于 0，且不超过车价的 20%。");
        let zh = error_text(Lang::Zh, &AppError::invalid("batches[0]", "too small"));
        assert_eq!(
            zh,
            "批次上限（第 1 项）：每批 1 到 1,000,000 台，且不能低于已预订的数量。"
        );
    }

    #[test]
    fn english_pages_keep_the_servers_plain_words() {
        let error = AppError::invalid("display_name", "1 to 60 characters");
        assert_eq!(
            error_text(Lang::En, &error),
            "Display name: 1 to 60 characters."
        );
        let error = AppError::invalid("increments", "rows must be in order of `from_fen`");
        assert_eq!(
            error_text(Lang::En, &error),
            format!("Minimum increments: {}.", ER_EN.f_increments.hint)
        );
        let error = AppError::forbidden("only consumer accounts may vote");
        assert_eq!(
            error_text(Lang::En, &error),
            "Only consumer accounts may vote."
        );
        assert_eq!(error_text(Lang::Zh, &error), "只有买家账号可以进行此操作。");
        let error = AppError::forbidden("only marketer or admin accounts may create auctions");
        assert_eq!(
            error_text(Lang::Zh, &error),
            "只有市场人员或管理员账号可以进行此操作。"
        );
    }

    #[test]
    fn unknown_fields_get_the_generic_words() {
        for lang in [Lang::Zh, Lang::En] {
            let t = lang.texts().er;
            for field in ["end_not_after_start", "polls[0].nope", "batches[x]", "zzz"] {
                let error = AppError::invalid(field, "nope");
                assert_eq!(error_text(lang, &error), t.invalid_unknown_field);
                assert_eq!(field_problem(lang, field, "`nope`"), t.invalid_value);
            }
        }
        assert_eq!(
            field_problem(
                Lang::Zh,
                "configuration_code",
                "no saved configuration has it"
            ),
            ER_ZH.f_configuration_code.hint
        );
        assert_eq!(
            field_problem(
                Lang::En,
                "configuration_code",
                "no saved configuration has it"
            ),
            "no saved configuration has it"
        );
    }

    /// Every code of the auction crate's `BidError`, `RegisterError` and `SettlementError`.
    const RULES: &[&str] = &[
        "not_started",
        "ended",
        "clock_went_back",
        "excluded",
        "not_registered",
        "already_leading",
        "below_minimum",
        "above_max_raise",
        "deposit_too_low",
        "proxy_below_minimum",
        "proxy_not_raised",
        "amount_out_of_range",
        "already_registered",
        "invalid_amount",
        "wrong_phase",
        "not_the_bidder",
        "deadline_passed",
        "no_runner_up",
    ];

    #[test]
    fn auction_rules_are_worded_with_their_amounts() {
        for lang in [Lang::Zh, Lang::En] {
            let generic = lang.texts().er.auction_rule;
            for rule in RULES {
                let error = AppError::AuctionRule {
                    rule: (*rule).into(),
                    message: "english".into(),
                    details: None,
                };
                let text = error_text(lang, &error);
                assert_ne!(text, generic, "{rule}");
                assert!(
                    !text.contains("english") && !leaks_identifier(&text),
                    "{rule}"
                );
            }
        }
        let error = AppError::AuctionRule {
            rule: "deposit_too_low".into(),
            message: String::new(),
            details: Some(Box::new(RuleDetails {
                code: "deposit_too_low".into(),
                required: Some(5_000_000),
                top_up: Some(2_000_000),
                ..RuleDetails::default()
            })),
        };
        assert_eq!(
            error_text(Lang::Zh, &error),
            "此金额需要保证金 ¥50,000，请先补缴 ¥20,000。"
        );
        assert_eq!(
            error_text(Lang::En, &error),
            "This amount needs a deposit of ¥50,000: top up ¥20,000 first."
        );
    }

    #[test]
    fn server_messages_are_worded_by_what_they_say() {
        let order = |status: OrderStatus, message: &str| AppError::OrderState {
            status,
            message: message.into(),
        };
        let cases = [
            (
                order(
                    OrderStatus::Locked,
                    "the cooling-off period has ended: the earnest money is no longer refundable",
                ),
                ER_ZH.cooling_off_ended.to_string(),
            ),
            (
                order(
                    OrderStatus::Reserved,
                    "the order changed meanwhile; reload it",
                ),
                ER_ZH.order_changed.into(),
            ),
            (
                order(
                    OrderStatus::PendingPayment,
                    "the order cannot be cancelled while its payment is being confirmed",
                ),
                ER_ZH.order_pending.into(),
            ),
            (
                order(
                    OrderStatus::Cancelled,
                    "an order that is cancelled cannot be locked",
                ),
                "订单当前状态为「已取消」，无法进行此操作。".into(),
            ),
            (
                AppError::CampaignNotOpen {
                    message: "reservations have not opened yet".into(),
                },
                ER_ZH.not_open_yet.into(),
            ),
            (
                AppError::forbidden("this account belongs to no OEM"),
                ER_ZH.no_org.into(),
            ),
            (AppError::not_found("car line"), "没有找到这个车型。".into()),
        ];
        for (error, zh) in cases {
            assert_eq!(error_text(Lang::Zh, &error), zh);
        }
        let error = order(
            OrderStatus::PaymentFailed,
            "an order that is payment_failed cannot be locked",
        );
        assert_eq!(
            error_text(Lang::En, &error),
            "This order is “Payment failed”, so this is not possible now."
        );
        let error = order(
            OrderStatus::Reserved,
            "an order that is reserved cannot be changed",
        );
        assert_eq!(
            error_text(Lang::En, &error),
            "This order is “Reserved”, so this is not possible now."
        );
    }
}
