package app_test

import (
	"strings"
	"testing"

	"gongzhi/internal/app"
)

// TestConfigSMS: an SMS gateway needs its secret (from the environment
// only) and the site's address; without a gateway nothing is asked.
func TestConfigSMS(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	ok := map[string]string{"GONGZHI_SMS_GATEWAY": "https://sms.example.gov.cn/send", "GONGZHI_SMS_SECRET": "0123456789abcdef",
		"GONGZHI_BASE_URL": "https://gz.example.gov.cn"}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range ok {
			m[a] = b
		}
		m[k] = v
		return m
	}
	for name, c := range map[string]struct {
		env     map[string]string
		wantErr string
	}{
		"gateway":         {ok, ""},
		"none":            {nil, ""},
		"secret alone":    {map[string]string{"GONGZHI_SMS_SECRET": "0123456789abcdef"}, ""},
		"no secret":       {with("GONGZHI_SMS_SECRET", ""), "GONGZHI_SMS_SECRET"},
		"short secret":    {with("GONGZHI_SMS_SECRET", "abc"), "GONGZHI_SMS_SECRET"},
		"not http":        {with("GONGZHI_SMS_GATEWAY", "smtp://sms.example.gov.cn"), "--sms-gateway"},
		"no site address": {with("GONGZHI_BASE_URL", ""), "--base-url"},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := app.DefaultConfig(env(c.env))
			err := cfg.Validate()
			if c.wantErr == "" && err != nil || c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)) {
				t.Fatalf("Validate() = %v, want error containing %q", err, c.wantErr)
			}
		})
	}
	if c := app.DefaultConfig(env(ok)); c.SMS.Gateway != ok["GONGZHI_SMS_GATEWAY"] || c.SMS.Secret != ok["GONGZHI_SMS_SECRET"] || !c.SMS.Enabled() {
		t.Fatalf("read from the environment: %+v", c.SMS)
	}
}
