package graph

import "github.com/apimlint/apimlint/lint"

// Colours shared by the writers: severities as the text output colours
// them (red, amber, blue), kinds in muted tones so that findings stand out.
const (
	colorError   = "#d32f2f"
	colorWarning = "#ef8f00"
	colorInfo    = "#1e88e5"
	colorEdge    = "#8a8f98"
	colorFronts  = "#b8bcc4"
)

// severityColor is the colour of a severity, or "" when there is none.
func severityColor(s lint.Severity) string {
	switch s {
	case lint.SeverityError:
		return colorError
	case lint.SeverityWarning:
		return colorWarning
	case lint.SeverityInfo:
		return colorInfo
	}
	return ""
}

// kindColors tell the kinds of healthy edges apart.
var kindColors = map[lint.LinkKind]string{
	lint.LinkEventHubJMS:       "#5c6bc0",
	lint.LinkEventHubService:   "#7e57c2",
	lint.LinkPublishURLGroup:   "#26a69a",
	lint.LinkThrottleDecisions: "#8d6e63",
	lint.LinkTMURLGroup:        "#a1887f",
	lint.LinkTMService:         "#bcaaa4",
	lint.LinkKMService:         "#43a047",
	lint.LinkEnvironmentURL:    "#00897b",
	lint.LinkEventDuplicateURL: "#546e7a",
	lint.LinkNotification:      "#78909c",
	lint.LinkDatabase:          "#6d4c41",
	EdgeFronts:                 colorFronts,
}

// edgeColor is the severity colour of an edge with a finding, else its kind's.
func edgeColor(e *Edge) string {
	if c := severityColor(e.Severity); c != "" {
		return c
	}
	if c, ok := kindColors[e.Kind]; ok {
		return c
	}
	return colorEdge
}

// groupFill is the background of a node by its group.
func groupFill(n *Node) string {
	switch n.Kind {
	case KindLoadBalancer:
		return "#f1f3f4"
	case KindDatabase:
		return "#efebe9"
	case KindUnknownHost:
		return "#ffffff"
	}
	switch lint.Role(n.Role) {
	case lint.RoleGateway:
		return "#e3f2fd"
	case lint.RoleControlPlane, lint.RoleAllInOne:
		return "#ede7f6"
	case lint.RoleKeyManager:
		return "#e8f5e9"
	case lint.RoleTrafficManager:
		return "#fff8e1"
	}
	return "#fafafa"
}
