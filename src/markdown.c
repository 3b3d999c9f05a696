/* markdown: placeholder until implemented. */
