package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/testkit"
)

var filedNumber = regexp.MustCompile(`已登记诉求 #(\d+)`)

// filedID reads the number of the demand just filed from the intake page.
func filedID(t *testing.T, body string) int64 {
	t.Helper()
	m := filedNumber.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no demand number after filing:\n%.3000s", body)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// TestIntakeOneScreen: the hotline form files and dispatches in one post,
// closes an enquiry answered on the spot, takes keywords and names, and
// names every wrong field at once.
func TestIntakeOneScreen(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		b := s.login(t, auth.CommunityStaff)
		_, form := b.get("/demands/new")
		testkit.Contains(t, form, `id="d-lead" name="lead"`, `name="hold"`, `id="d-answer" name="answer"`, `name="answered" value="1"`,
			"受理并派单", "当场解答并办结", `<details class="more-fields" id="more-fields">`, `hx-post="/demands/proposal"`, `hx-post="/demands/callers"`)
		// Channel and coordinates fold away, after the buttons: Tab goes from the phone to the buttons.
		if i, j := strings.Index(form, `id="d-channel"`), strings.Index(form, `id="intake-submit"`); i < j || strings.Index(form, `id="d-lat"`) < j {
			t.Error("channel or coordinates come before the submit button")
		}
		demands := func() int { return s.count(t, "SELECT count(*) FROM demands") }

		// A keyword and a name with its parent: filed and dispatched in one post.
		resp := b.submit("/demands", url.Values{"category": {"噪音"}, "area": {"东湖居民区 第1网格"}, "channel": {"hotline"},
			"description": {"楼下烧烤店每天深夜噪音扰民"}, "reporter_phone": {"13800001234"}})
		wantStatus(t, "file and dispatch", resp.StatusCode, http.StatusOK, resp.Body)
		id := filedID(t, resp.Body)
		testkit.Contains(t, resp.Body, `id="filed-dispatched"`, "已派给 湖南路街道 / 东湖居民区 / 第1网格")
		if st := s.status(t, id); st != demand.Dispatched {
			t.Fatalf("filed as %s, want dispatched", st)
		}
		// Another body typed by name; or no dispatch at all.
		resp = b.submit("/demands", url.Values{"category": {"物业管理"}, "area": {"东湖居民区"}, "description": {"电梯坏了"}, "lead": {"第1网格"}})
		testkit.Contains(t, resp.Body, "已派给 湖南路街道 / 东湖居民区 / 第1网格")
		resp = b.submit("/demands", url.Values{"category": {"物业"}, "area": {"东湖居民区"}, "description": {"电梯又坏了"}, "hold": {"1"}})
		if st := s.status(t, filedID(t, resp.Body)); st != demand.Received {
			t.Fatalf("held: %s", st)
		}

		// Answered on the spot.
		resp = b.submit("/demands", url.Values{"category": {"物业"}, "area": {"东湖居民区"}, "description": {"咨询物业费标准"},
			"answer": {"已告知物业费收费标准"}, "answered": {"1"}})
		wantStatus(t, "answered", resp.StatusCode, http.StatusOK, resp.Body)
		testkit.Contains(t, resp.Body, `id="filed-answered"`, "已当场解答并办结")
		if st := s.status(t, filedID(t, resp.Body)); st != demand.Closed {
			t.Fatalf("answered: %s", st)
		}

		// Every wrong field at once, each a link to its field; nothing filed.
		before := demands()
		resp = b.submit("/demands", url.Values{"category": {"城堡"}, "area": {"火星居民区"}, "description": {""}, "answered": {"1"}})
		wantStatus(t, "wrong fields", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, `href="#d-category">分类：`, `href="#d-area">区域：`, `href="#d-description">诉求内容：`,
			`href="#d-answer">答复内容：请填写答复内容`, `id="d-area-error">没有名为 &#34;火星居民区&#34; 的区域`)
		resp = b.submit("/demands", url.Values{"category": {"城堡"}, "lat": {"北纬31度"}, "description": {"x"}})
		testkit.Contains(t, resp.Body, `href="#d-category">`, `href="#d-lat">`, `<details class="more-fields" id="more-fields" open>`)
		if strings.Contains(resp.Body, `href="#d-area"`) {
			t.Error("bad coordinates also blamed on the area")
		}
		// Two areas of the name in the street's area: the candidates are named.
		resp = s.login(t, auth.StreetStaff).submit("/demands", url.Values{"category": {"噪音"}, "area": {"居民区"}, "description": {"x"}})
		testkit.Contains(t, resp.Body, "对应 2 个区域", "湖南路街道/东湖居民区", "湖南路街道/复中居民区")
		if n := demands(); n != before {
			t.Fatalf("refused forms filed %d demands", n-before)
		}

		// A grid worker files as before: no body to choose, no answer box.
		g := s.login(t, auth.GridWorker)
		_, form = g.get("/demands/new")
		if strings.Contains(form, `id="d-lead"`) || strings.Contains(form, `id="d-answer"`) || strings.Contains(form, "受理并派单") {
			t.Error("the grid worker is offered dispatching or answering")
		}
		resp = g.submit("/demands", url.Values{"category": {"噪音"}, "area": {"第1网格"}, "description": {"广场舞噪音"}, "lead": {"东湖居民区"}})
		if st := s.status(t, filedID(t, resp.Body)); st != demand.Received {
			t.Fatalf("a grid worker's demand is %s", st)
		}
	})
}

// TestIntakeHints: the fragments the intake page asks for as the operator
// types: what the category and area name and where the demand would go,
// the caller's earlier demands, and similar demands with their place.
func TestIntakeHints(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		b := s.login(t, auth.CommunityStaff)
		resp := b.submit("/demands/proposal", url.Values{"category": {"吵闹"}, "area": {"东湖"}})
		wantStatus(t, "proposal", resp.StatusCode, http.StatusOK, resp.Body)
		testkit.Contains(t, resp.Body, "分类：噪音扰民", "区域：湖南路街道 / 东湖居民区", `id="proposed-lead"`, "派给所在区域：湖南路街道 / 东湖居民区")
		if strings.Contains(resp.Body, "<html") {
			t.Error("the proposal is a whole page")
		}
		resp = b.submit("/demands/proposal", url.Values{"category": {"城堡"}, "area": {"东湖居民区"}})
		testkit.Contains(t, resp.Body, "未知诉求分类", "区域：湖南路街道 / 东湖居民区")
		if strings.Contains(resp.Body, `id="proposed-lead"`) {
			t.Error("a body is proposed for an unknown category")
		}

		first, _ := s.fileAsResident(t, "noise", testkit.ResA1, "东湖路小区楼下烧烤店每天晚上噪音很大影响休息") // caller 13912345678
		other, _ := s.fileAsResident(t, "noise", testkit.ResB1, "天平路夜间施工")                // same caller, another street
		resp = b.submit("/demands/callers", url.Values{"reporter_phone": {"139 1234 5678"}})
		wantStatus(t, "callers", resp.StatusCode, http.StatusOK, resp.Body)
		testkit.Contains(t, resp.Body, fmt.Sprintf(`data-caller-demand="%d"`, first), "139****5678", "东湖居民区")
		if strings.Contains(resp.Body, "13912345678") || strings.Contains(resp.Body, fmt.Sprintf(`data-caller-demand="%d"`, other)) {
			t.Errorf("the caller's phone in full, or a demand the operator does not see:\n%s", resp.Body)
		}
		resp = b.submit("/demands/callers", url.Values{"reporter_phone": {"1391"}})
		testkit.Contains(t, resp.Body, "输入反映人电话后")
		if st := s.login(t, auth.Auditor).submit("/demands/callers", url.Values{"reporter_phone": {"13912345678"}}).StatusCode; st != http.StatusForbidden {
			t.Errorf("an auditor asks for callers: %d", st)
		}

		if _, err := d.Exec(t.Context(), "UPDATE demands SET address = '东湖路 9 号' WHERE id = ?", first); err != nil {
			t.Fatal(err)
		}
		resp = b.submit("/demands/similar", url.Values{"category": {"噪音"}, "area": {"东湖居民区"},
			"description": {"东湖路小区楼下烧烤店每天晚上噪音很大"}})
		testkit.Contains(t, resp.Body, fmt.Sprintf(`data-similar="%d"`, first), `class="similar-place">湖南路街道 / 东湖居民区 · 东湖路 9 号`)
	})
}
