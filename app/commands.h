/* app/commands.h - the subcommand table (git.c style): one line per command, in help order.
 * CMD(name, function, summary); each function lives in app/cmd_<name>.c. */
CMD("inspect", cmd_inspect, "show channels, samples, modifiers and parameters")
CMD("fit", cmd_fit, "maximum-likelihood fit: values, errors, pulls, correlations")
CMD("ranking", cmd_ranking, "impacts of nuisance parameters on the POI, sorted, with pulls")
CMD("gof", cmd_gof, "goodness of fit: saturated model, per channel, channel compatibility")
CMD("systematics", cmd_systematics, "two-point systematics: effects, flags, symmetrise, prune")
CMD("constraints", cmd_constraints, "pulls, constraints and the channels they come from")
CMD("decorrelate", cmd_decorrelate, "split a parameter per channel/sample/group and refit")
CMD("density", cmd_density, "density lab: histogram vs KDE vs generated events (MSE, amplification)")
CMD("plot", cmd_plot, "figures: stacked histograms, pulls, correlations, scans, Brazil bands")
