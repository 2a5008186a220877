package texts

// entry is one sentence in both interface languages.
type entry struct{ zh, en string }

// catalog holds every system-made sentence. Codes are stored in the
// database (demand_events.note_code, inbox.title_code): rename one only
// with a migration. {name} is an argument (see Render).
var catalog = map[string]entry{
	// Who did a step, when it was not a named member of staff.
	"actor.system":   {"系统", "System"},
	"actor.resident": {"居民", "Resident"},
	"actor.staff":    {"工作人员", "Staff"},

	// Intake channels, as an argument of note.received.
	"channel.visit":   {"走访", "Visit"},
	"channel.hotline": {"热线", "Hotline"},
	"channel.online":  {"网上", "Online"},
	"channel.grid":    {"网格巡查", "Grid patrol"},
	"channel.meeting": {"议事会", "Deliberation meeting"},
	"channel.mailbox": {"信箱", "Mailbox"},

	// Timeline notes (demand_events.note_code).
	"note.received":            {"渠道：{channel}", "Channel: {channel}"},
	"note.extension_requested": {"申请延至 {due}", "Extension requested until {due}"},
	"note.extension_approved":  {"同意延期至 {due}", "Extension approved until {due}"},
	"note.extension_refused":   {"不同意延期", "Extension refused"},
	"note.merged_into":         {"合并至 #{id}", "Merged into #{id}"},
	"note.merged_from":         {"合并了诉求 #{id}", "Merged demand #{id} into this one"},
	"note.overdue_contact":     {"超过联系时限", "Contact deadline missed"},
	"note.overdue_resolve":     {"超过办结时限", "Resolve deadline missed"},
	"note.overdue_callback":    {"超过回访时限", "Callback deadline missed"},
	"note.escalated":           {"督办升级至第 {level} 级", "Escalated to level {level}"},
	"note.attached_photos":     {"添加照片 {photos} 张", "Added {photos} photo(s)"},
	"note.attached_files":      {"添加文件 {files} 个", "Added {files} file(s)"},
	"note.attached_both":       {"添加照片 {photos} 张、文件 {files} 个", "Added {photos} photo(s) and {files} file(s)"},
	"note.recategorised":       {"类别由「{from}」调整为「{to}」", "Category changed from {from} to {to}"},
	"note.sms_sent":            {"已向 {phone} 发送查询短信", "Tracking text message sent to {phone}"},

	// Text messages to residents (notify.QueueSMS), sent in Chinese.
	"sms.tracking": {"您反映的诉求（编号 {id}）已受理。查询码 {code}，查看进度：{link}", "Your demand (No. {id}) has been received. Tracking code {code}; follow it at {link}"},

	// A survey's one-time link (internal/survey SendLinks), and what the
	// outbox keeps once the message went: the link deleted.
	"sms.survey":      {"【{area}居委会测评】请为居委会 {period} 的工作打分，匿名，一次有效，{closes}前：{link}", "[{area} committee evaluation] Rate the committee's work in {period}: anonymous, one use only, before {closes}: {link}"},
	"sms.survey_sent": {"【{area}居委会测评】请为居委会 {period} 的工作打分，匿名，一次有效，{closes}前：（链接已在发送后删除）", "[{area} committee evaluation] Rate the committee's work in {period}: anonymous, one use only, before {closes}: (link deleted once sent)"},

	// Inbox notice titles (inbox.title_code).
	"notice.new":                   {"新诉求待派单：{category} #{id}", "New demand to dispatch: {category} #{id}"},
	"notice.care_request":          {"关爱对象求助 #{id}：请尽快联系", "Help requested by a person in care #{id}: please call"},
	"notice.topic_escalated":       {"督办：议题逾期未答复 #{id} {title}", "Topic answer overdue: #{id} {title}"},
	"notice.dispatched":            {"派单：请签收 #{id}", "Dispatched to you, please sign for it: #{id}"},
	"notice.co_handle":             {"协办诉求 #{id}", "Demand to co-handle: #{id}"},
	"notice.returned":              {"诉求被退回 #{id}", "Demand returned: #{id}"},
	"notice.extension_requested":   {"延期申请待审批 #{id}", "Extension request to approve: #{id}"},
	"notice.extension_answered":    {"延期审批结果 #{id}", "Extension request answered: #{id}"},
	"notice.resolved":              {"已办结，待回访 #{id}", "Resolved, call the resident back: #{id}"},
	"notice.callback_dissatisfied": {"回访不满意，重新办理 #{id}", "Resident dissatisfied, handle it again: #{id}"},
	"notice.reopened":              {"诉求重办 #{id}", "Demand reopened: #{id}"},
	"notice.contact_due_soon":      {"即将超过联系时限 #{id}", "Contact deadline near: #{id}"},
	"notice.resolve_due_soon":      {"即将超过办结时限 #{id}", "Resolve deadline near: #{id}"},
	"notice.escalated":             {"督办：诉求已超时 #{id}", "Supervision: demand overdue: #{id}"},
	"notice.urged":                 {"催办：请尽快办理 #{id}", "Urged: please act on #{id} now"},
	"notice.recalled":              {"诉求已撤回改派他人 #{id}", "Taken back and sent to another body: #{id}"},
	// Activities (internal/activity): the reminder the day before.
	"notice.activity_tomorrow": {"明天 {time} 的活动：{title}（{place}）", "Tomorrow at {time}: {title} ({place})"},
}
