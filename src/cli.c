/* cli: placeholder until implemented. */
