/* wiki: placeholder until implemented. */
