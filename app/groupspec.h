/* app/groupspec.h - the --groups argument of `ranking` (parameter groups) and of the summary
 * figures of `plot` and `report` (region groups): a GROUPS.json file, {"GROUP": ["PATTERN",
 * ...], ...}, or inline 'NAME=PATTERN,PATTERN;NAME2=PATTERN'. Patterns are shell globs. */
#ifndef HF_GROUPSPEC_H
#define HF_GROUPSPEC_H

/* Pattern pat joins group name: how many names it takes (0 is allowed), or -1 when memory
 * runs out. */
typedef long (*hf_groupspec_add)(void *ctx, const char *name, const char *pat);

/* Read spec (a path ending in .json, else the inline form) into add, group by group in the
 * order given; what ("channel", "parameter") names the patterns in messages, and a group that
 * takes nothing gets a warning. 0, or the exit code after one error line (a malformed file: the
 * file and the JSON pointer, exit 2). */
int hf_groupspec_parse(const char *spec, const char *what, hf_groupspec_add add, void *ctx);

#endif
