package api

import "gongzhi/internal/delib"

// delibSchemas are the named schemas of deliberation's request and
// response types (see namedSchemas).
func delibSchemas() []schemaDef {
	listProps := map[string]prop{
		"total":    {Desc: "Number of matching records on all pages."},
		"page":     {More: `{"minimum":1}`},
		"per_page": {More: `{"minimum":1,"maximum":500}`},
	}
	return append([]schemaDef{
		{Name: "Vote", Type: typeOf[delib.Vote](), Desc: "A vote (表决) of an area.", Props: map[string]prop{
			"area":          {Desc: "Area code."},
			"topic_id":      {Desc: "The topic the vote was called on, if any."},
			"choices":       {Desc: "The choices, in order; a ballot names one by its index.", More: `{"minItems":2,"maxItems":10}`},
			"status":        {Enum: delib.VoteStatuses, Desc: "scheduled until opens_at, open until closes_at (jobs move it), then closed and counted."},
			"residents":     {Desc: "Residents of the area may vote signed in."},
			"per_household": {Desc: "One ballot counted per household."},
			"quorum":        {Desc: "Least ballots for the result to stand; 0: none."},
			"threshold_pct": {Desc: "Share of ballots (percent) the unique leading choice needs to pass."},
			"voted":         {Desc: "Voters (or households) recorded as having voted."},
			"links":         {Desc: "Ballot links made."},
			"households":    {Desc: "Households those links were made for."},
			"result":        {Desc: "The count, once closed; null before."},
			"result.tally":  {Desc: "Ballots by choice, every choice present."},
			"result.winner": {Desc: "The unique leading choice; empty on a tie or no ballots."},
			"result.passed": {Desc: "Quorum met and the winner holds the threshold share."},
		}},
		{Name: "VoteInput", Type: typeOf[delib.VoteInput](), In: true, Required: []string{"area", "question", "choices", "opens_at", "closes_at", "threshold_pct"}, Props: map[string]prop{
			"area":          {Desc: "Area code (delib.write there)."},
			"topic_id":      {Desc: "A topic of the area the vote decides."},
			"question":      {More: `{"maxLength":200}`},
			"description":   {More: `{"maxLength":2000}`},
			"choices":       {Desc: "2 to 10 different choices.", More: `{"minItems":2,"maxItems":10}`},
			"opens_at":      {Desc: "RFC 3339, to the minute; now or past opens it at once."},
			"closes_at":     {Desc: "RFC 3339, after opens_at and in the future; at most 90 days after opening."},
			"quorum":        {More: `{"minimum":0}`},
			"threshold_pct": {More: `{"minimum":1,"maximum":100}`},
		}},
		{Name: "VoteList", Type: typeOf[list[delib.Vote]](), Props: listProps},
		{Name: "BallotLinksInput", Type: typeOf[delib.LinksInput](), In: true, Props: map[string]prop{
			"households": {Desc: "Household labels (门牌), normalized (spaces, full-width characters); each once.", More: `{"maxItems":5000}`},
			"count":      {Desc: "Or this many links for households not named.", More: `{"minimum":0,"maximum":5000}`},
		}},
		{Name: "BallotLinks", Type: typeOf[linksMade](), Props: map[string]prop{
			"items.token": {Desc: "The link's token, shown in this answer only."},
			"items.path":  {Desc: "The page a household opens on a phone: the site's address followed by this path."},
		}},
		{Name: "BallotCast", Type: typeOf[delib.Cast](), In: true, Required: []string{"choice"}, Props: map[string]prop{
			"choice":    {Desc: "Index into the vote's choices.", More: `{"minimum":0}`},
			"household": {Desc: "Required in a one-per-household vote: the voter's household (门牌), on the vote's list where it has one."},
		}},
		{Name: "BallotByLink", Type: typeOf[linkCast](), In: true, Required: []string{"choice"}, Props: map[string]prop{
			"choice": {Desc: "Index into the vote's choices.", More: `{"minimum":0}`},
		}},
		{Name: "BallotReceipt", Type: typeOf[castAnswer](), Props: map[string]prop{
			"receipt": {Desc: "10 characters of Crockford base32, random; shown once, published with the choice when the vote closes."},
		}},
		{Name: "VoteReceipts", Type: typeOf[delib.Receipts](), Desc: "A closed vote's published ballots.", Props: map[string]prop{
			"items":        {Desc: "Every ballot counted, in receipt order; nothing identifies a voter."},
			"items.choice": {Desc: "The choice as worded in the vote."},
			"tally":        {Desc: "Ballots by choice, every choice present; equal to a count of items."},
			"total":        {Desc: "Ballots counted."},
		}},
		{Name: "Topic", Type: typeOf[delib.Topic](), Desc: "A topic (议题) raised in an area.", Props: map[string]prop{
			"area":          {Desc: "Area code."},
			"status":        {Enum: delib.TopicStatuses, Desc: "open gathers support; agenda: reached its threshold, staff owe an answer by due_at; answered or closed with the text everyone reads."},
			"raised_by":     {Desc: "Who raised it; a resident's name is masked."},
			"overdue":       {Desc: "Still unanswered past due_at (a job sets it)."},
			"escalated_to":  {Desc: "When it fell overdue, the job sent it up to this area (the parent area) and told its staff; empty otherwise."},
			"votes":         {Desc: "Votes called on it."},
			"events":        {Desc: "Its public history, oldest first (single topics only)."},
			"events.status": {Desc: "The status it moved to; vote when a vote was called on it, overdue when the answer fell due, escalated (reason: the parent area's name) when it was sent up."},
			"comments":      {Desc: "The thread as the caller sees it, oldest first (single topics only)."},
			"demands":       {Desc: "The demands staff made it from, by number, with category and status only (single topics only)."},
		}},
		{Name: "TopicComment", Type: typeOf[delib.Comment](), Desc: "A comment on a topic, as the caller sees it.", Props: map[string]prop{
			"author":        {Desc: "The author's display name; a phone number in it is masked."},
			"by_staff":      {Desc: "Written by staff of the area."},
			"text":          {Desc: "The text; empty when hidden (staff read it in original) or deleted."},
			"status":        {Enum: delib.CommentStatuses, Desc: "shown; hidden by staff with hidden_reason, which everyone reads; deleted by its author."},
			"hidden_reason": {Desc: "Why staff hid it."},
			"original":      {Desc: "Staff of the area: the text of a hidden comment."},
			"reports":       {Desc: "Staff of the area: how often it was reported."},
			"mine":          {Desc: "The caller wrote it."},
			"reported":      {Desc: "The caller reported it."},
		}},
		{Name: "TopicCommentInput", Type: typeOf[commentText](), In: true, Required: []string{"text"}, Props: map[string]prop{
			"text": {Desc: "Plain text.", More: `{"maxLength":1000}`},
		}},
		{Name: "TopicCommentReason", Type: typeOf[commentReason](), In: true, Required: []string{"reason"}, Props: map[string]prop{
			"reason": {Desc: "Why it is reported, or why it is hidden (everyone reads the latter).", More: `{"maxLength":200}`},
		}},
		{Name: "TopicInput", Type: typeOf[delib.TopicInput](), In: true, Required: []string{"area", "title"}, Props: map[string]prop{
			"title":      {More: `{"maxLength":100}`},
			"body":       {More: `{"maxLength":2000}`},
			"demand_ids": {Desc: "Staff (delib.write) make the topic from a cluster of demands of the area they may read, by number; a resident giving any is 403, a demand outside the area 400.", More: `{"maxItems":100,"uniqueItems":true}`},
		}},
		{Name: "TopicList", Type: typeOf[list[delib.Topic]](), Props: listProps},
		{Name: "TopicText", Type: typeOf[topicText](), In: true, Required: []string{"text"}, Props: map[string]prop{
			"text": {Desc: "The answer, or the reason it is closed.", More: `{"maxLength":2000}`},
		}},
		{Name: "TopicSettings", Type: typeOf[delib.Settings](), Props: map[string]prop{
			"support_threshold": {Desc: "Supports that put a topic on the agenda."},
			"answer_days":       {Desc: "Working days staff have to answer a topic on the agenda."},
			"civility":          {Desc: "The civility policy shown above the comment box; empty: the interface's default policy."},
		}},
		{Name: "TopicSettingsInput", Type: typeOf[settingsBody](), In: true, Required: []string{"support_threshold", "answer_days"}, Props: map[string]prop{
			"support_threshold": {More: `{"minimum":1,"maximum":10000}`},
			"answer_days":       {More: `{"minimum":1,"maximum":60}`},
			"civility":          {Desc: "The area's civility policy for comments; absent or empty: the default policy.", More: `{"maxLength":2000}`},
		}},
	}, councilSchemas()...) // councils and meetings: delib_council_schemas.go
}
