package check

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// Write prints the report as two tables: the e签宝 calls, then the
// actions. Nothing secret is in it: e签宝's answers name ids, not keys.
func (r *Report) Write(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "e签宝 account %s\n\n", r.AppID)
	fmt.Fprintln(tw, "STEP\tENDPOINT\tRESULT\tDETAIL")
	for _, s := range r.Steps {
		detail := s.Note
		if s.State == Failed || s.State == Grant {
			detail = s.describe()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Name, s.Endpoint, s.State, detail)
	}
	fmt.Fprintln(tw, "\nACTION\tVERSION\tREADY\tDETAIL")
	counts := map[State]int{}
	for _, a := range r.Actions {
		counts[a.State]++
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", a.Action, a.Version, a.State, a.Detail)
	}
	fmt.Fprintf(tw, "\n%d actions: %d ok, %d need a grant, %d failed, %d not checked\n",
		len(r.Actions), counts[OK], counts[Grant], counts[Failed], counts[Skipped])
	return tw.Flush()
}

// OnePagePDF is a minimal valid one-page A4 PDF, the file the check
// uploads and signs.
var OnePagePDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
	"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n" +
	"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n" +
	"trailer << /Root 1 0 R >>\n%%EOF\n")

func onePagePDF() []byte { return append([]byte(nil), OnePagePDF...) }
