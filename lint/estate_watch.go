package lint

// ConfigReported records that the problems of the config in force for p
// were reported already: a watcher that keeps p's findings from an earlier
// lint and re-lints a later fleet with the same config must not report
// them a second time (LoadFleet reports a config's problems with the
// first fleet, in estate order, that loads it).
func (e *Estate) ConfigReported(p *FleetPlan) {
	if p.ConfigFile == "" {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.cfgUsed[p.ConfigFile] = true
}
