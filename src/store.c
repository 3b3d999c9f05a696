/* store: placeholder until implemented. */
