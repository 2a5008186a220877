-- +goose Up
-- Texts in the reader's language (issue 7). The system's own sentences on
-- the timeline and in the inbox were stored in Chinese; from now on they
-- are a code with arguments (internal/texts), worded for each reader, and
-- only what a person typed stays free text. Who did a step is a kind
-- (staff, resident, system), not a Chinese word. Areas get an optional
-- English name, as categories have.
ALTER TABLE demand_events ADD COLUMN actor_kind TEXT NOT NULL DEFAULT 'staff';
ALTER TABLE demand_events ADD COLUMN note_code TEXT NOT NULL DEFAULT '';
ALTER TABLE demand_events ADD COLUMN note_args TEXT NOT NULL DEFAULT '{}';
ALTER TABLE inbox ADD COLUMN title_code TEXT NOT NULL DEFAULT '';
ALTER TABLE inbox ADD COLUMN title_args TEXT NOT NULL DEFAULT '{}';
ALTER TABLE areas ADD COLUMN name_en TEXT NOT NULL DEFAULT '';

-- Existing rows: the sentences the services made are turned into codes
-- where their shape is fixed; anything else stays as it was written.
UPDATE demand_events SET actor_kind = 'system', actor_name = '' WHERE actor_id IS NULL AND actor_name = '系统';
UPDATE demand_events SET actor_kind = 'resident', actor_name = '' WHERE actor_id IS NULL AND actor_name = '居民';
UPDATE demand_events SET note_code = 'note.overdue_contact', note = '' WHERE action = 'overdue' AND note = '超过联系时限';
UPDATE demand_events SET note_code = 'note.overdue_resolve', note = '' WHERE action = 'overdue' AND note = '超过办结时限';
UPDATE demand_events SET note_code = 'note.escalated', note_args = '{"level":"' || replace(replace(note, '督办升级至第 ', ''), ' 级', '') || '"}', note = ''
WHERE action = 'escalate' AND note LIKE '督办升级至第 % 级';
UPDATE demand_events SET note_code = 'note.received', note_args = '{"channel":"visit"}', note = ''
WHERE action = 'receive' AND note IN ('渠道：走访', '渠道: visit');
UPDATE demand_events SET note_code = 'note.received', note_args = '{"channel":"hotline"}', note = ''
WHERE action = 'receive' AND note IN ('渠道：热线', '渠道: hotline');
UPDATE demand_events SET note_code = 'note.received', note_args = '{"channel":"online"}', note = ''
WHERE action = 'receive' AND note IN ('渠道：网上', '渠道: online');
UPDATE demand_events SET note_code = 'note.received', note_args = '{"channel":"grid"}', note = ''
WHERE action = 'receive' AND note IN ('渠道：网格巡查', '渠道: grid');
UPDATE demand_events SET note_code = 'note.received', note_args = '{"channel":"meeting"}', note = ''
WHERE action = 'receive' AND note IN ('渠道：议事会', '渠道: meeting');
UPDATE demand_events SET note_code = 'note.received', note_args = '{"channel":"mailbox"}', note = ''
WHERE action = 'receive' AND note IN ('渠道：信箱', '渠道: mailbox');
UPDATE demand_events SET note_code = 'note.merged_from', note_args = '{"id":"' || substr(note, 8) || '"}', note = ''
WHERE action = 'merge_in' AND note LIKE '合并了诉求 #%';
-- 合并至 #<id> <free text>
UPDATE demand_events SET note_code = 'note.merged_into',
    note_args = '{"id":"' || substr(note, 6, instr(substr(note, 6), ' ') - 1) || '"}',
    note = substr(note, 6 + instr(substr(note, 6), ' '))
WHERE action = 'merge' AND note LIKE '合并至 #% %';
-- 同意延期至 <2006-01-02 15:04:05> <free text>, 不同意延期 <free text>
UPDATE demand_events SET note_code = 'note.extension_approved', note_args = '{"due":"' || substr(note, 7, 19) || '"}', note = substr(note, 27)
WHERE action = 'approve_extension' AND note LIKE '同意延期至 ____-__-__ __:__:__ %';
UPDATE demand_events SET note_code = 'note.extension_refused', note = substr(note, 7)
WHERE action = 'approve_extension' AND note LIKE '不同意延期 %';
-- <reason>（申请延至 <2006-01-02 15:04:05>）
UPDATE demand_events SET note_code = 'note.extension_requested', note_args = '{"due":"' || substr(note, length(note) - 19, 19) || '"}',
    note = substr(note, 1, length(note) - 26)
WHERE action = 'extend' AND note LIKE '%（申请延至 ____-__-__ __:__:__）';
UPDATE demand_events SET note_code = 'note.attached_photos', note_args = '{"photos":"' || replace(replace(note, '添加照片 ', ''), ' 张', '') || '"}', note = ''
WHERE action = 'attach' AND note LIKE '添加照片 % 张' AND note NOT LIKE '%、%';
UPDATE demand_events SET note_code = 'note.attached_files', note_args = '{"files":"' || replace(replace(note, '添加文件 ', ''), ' 个', '') || '"}', note = ''
WHERE action = 'attach' AND note LIKE '添加文件 % 个';
UPDATE demand_events SET note_code = 'note.attached_both',
    note_args = '{"photos":"' || substr(note, 6, instr(note, ' 张') - 6) || '","files":"' || replace(substr(note, instr(note, '、文件 ') + 4), ' 个', '') || '"}',
    note = ''
WHERE action = 'attach' AND note LIKE '添加照片 % 张、文件 % 个';

-- Inbox titles: <sentence> #<demand id>.
UPDATE inbox SET title_code = 'notice.dispatched', title_args = '{"id":"' || substr(title, 9) || '"}', title = '' WHERE title LIKE '派单：请签收 #%';
UPDATE inbox SET title_code = 'notice.co_handle', title_args = '{"id":"' || substr(title, 7) || '"}', title = '' WHERE title LIKE '协办诉求 #%';
UPDATE inbox SET title_code = 'notice.returned', title_args = '{"id":"' || substr(title, 8) || '"}', title = '' WHERE title LIKE '诉求被退回 #%';
UPDATE inbox SET title_code = 'notice.extension_requested', title_args = '{"id":"' || substr(title, 10) || '"}', title = '' WHERE title LIKE '延期申请待审批 #%';
UPDATE inbox SET title_code = 'notice.extension_answered', title_args = '{"id":"' || substr(title, 9) || '"}', title = '' WHERE title LIKE '延期审批结果 #%';
UPDATE inbox SET title_code = 'notice.resolved', title_args = '{"id":"' || substr(title, 10) || '"}', title = '' WHERE title LIKE '已办结，待回访 #%';
UPDATE inbox SET title_code = 'notice.callback_dissatisfied', title_args = '{"id":"' || substr(title, 13) || '"}', title = '' WHERE title LIKE '回访不满意，重新办理 #%';
UPDATE inbox SET title_code = 'notice.reopened', title_args = '{"id":"' || substr(title, 7) || '"}', title = '' WHERE title LIKE '诉求重办 #%';
UPDATE inbox SET title_code = 'notice.contact_due_soon', title_args = '{"id":"' || substr(title, 11) || '"}', title = '' WHERE title LIKE '即将超过联系时限 #%';
UPDATE inbox SET title_code = 'notice.resolve_due_soon', title_args = '{"id":"' || substr(title, 11) || '"}', title = '' WHERE title LIKE '即将超过办结时限 #%';
UPDATE inbox SET title_code = 'notice.escalated', title_args = '{"id":"' || substr(title, 11) || '"}', title = '' WHERE title LIKE '督办：诉求已超时 #%';

-- +goose Down
-- Coded rows keep their code; words are not written back.
ALTER TABLE areas DROP COLUMN name_en;
ALTER TABLE inbox DROP COLUMN title_args;
ALTER TABLE inbox DROP COLUMN title_code;
ALTER TABLE demand_events DROP COLUMN note_args;
ALTER TABLE demand_events DROP COLUMN note_code;
ALTER TABLE demand_events DROP COLUMN actor_kind;
