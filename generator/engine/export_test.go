package engine

// SetParsedBudget sets the bytes of markdown whose syntax trees a one-shot
// build keeps from Parse to Render (release.go); negative keeps none.
func SetParsedBudget(o *Options, n int) { o.parsedBudget = n }
