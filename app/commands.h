/* app/commands.h - the subcommand table (git.c style): one line per command, in help order.
 * CMD(name, function, summary); each function lives in app/cmd_<name>.c. */
CMD("inspect", cmd_inspect, "show channels, samples, modifiers and parameters")
CMD("fit", cmd_fit, "maximum-likelihood fit: values, errors, pulls, correlations")
