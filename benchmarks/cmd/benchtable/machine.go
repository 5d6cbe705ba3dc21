package main

import (
	"bufio"
	"os"
	"strings"
)

// cpuModel returns the CPU model from /proc/cpuinfo, or fallback (the "cpu:" line of the
// benchmark output) where that file does not exist.
func cpuModel(fallback string) string {
	file, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return orUnknown(fallback)
	}
	defer file.Close()
	return orUnknown(modelName(bufio.NewScanner(file), fallback))
}

// modelName returns the value of the first "model name" line, or fallback if none.
func modelName(lines *bufio.Scanner, fallback string) string {
	for lines.Scan() {
		key, value, ok := strings.Cut(lines.Text(), ":")
		if ok && strings.TrimSpace(key) == "model name" {
			return strings.TrimSpace(value)
		}
	}
	return fallback
}

func orUnknown(model string) string {
	if model == "" {
		return "unknown CPU"
	}
	return model
}
