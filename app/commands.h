/* app/commands.h - the subcommand table (git.c style): one line per command, in help order.
 * CMD(name, function, summary); each function lives in app/cmd_<name>.c. */
CMD("tui", cmd_tui, "the explorer: channels, stacks, pulls, correlations, live slider")
CMD("view", cmd_view, "print a channel's stacked histogram as terminal text")
CMD("inspect", cmd_inspect, "show channels, samples, modifiers and parameters")
CMD("fit", cmd_fit, "maximum-likelihood fit: values, errors, pulls, correlations")
CMD("ranking", cmd_ranking, "impacts of nuisance parameters on the POI, sorted, with pulls")
CMD("gof", cmd_gof, "goodness of fit: saturated model, per channel, channel compatibility")
CMD("systematics", cmd_systematics, "two-point systematics: effects, flags, symmetrise, prune")
CMD("constraints", cmd_constraints,
    "pulls, constraints and where they come from: prior, data, template curvature")
CMD("nllshape", cmd_nllshape,
    "likelihood shape along each parameter (FastScan): kinks, flat, double minima")
CMD("decorrelate", cmd_decorrelate, "split a parameter per channel/sample/group and refit")
CMD("density", cmd_density,
    "density lab: histogram vs KDE vs generated events (MSE, amplification)")
CMD("plot", cmd_plot, "figures: stacked histograms, pulls, correlations, scans, Brazil bands")
CMD("cls", cmd_cls, "CLs hypothesis test at a POI value (asymptotic or toys)")
CMD("limit", cmd_limit, "observed and expected CLs upper limits on the POI")
CMD("significance", cmd_significance, "discovery p-value and significance (q0)")
CMD("scan", cmd_scan, "profile likelihood scan of one or two parameters")
CMD("patchset", cmd_patchset, "list, apply or run every patch of a pyhf patchset")
CMD("digest", cmd_digest, "pyhf's workspace digest (sha256 of the canonical JSON)")
CMD("sort", cmd_sort, "sort channels, samples, modifiers, measurements by name (pyhf sort)")
CMD("rename", cmd_rename, "rename channels, samples, modifiers, measurements (pyhf rename)")
CMD("prune", cmd_prune, "remove channels, samples, modifiers, types, measurements (pyhf prune)")
CMD("combine", cmd_combine, "combine two workspaces, --join none|outer|left outer|right outer")
CMD("lint", cmd_lint, "workspace lint: suspicious systematics, empty samples, unused parameters")
CMD("report", cmd_report,
    "review report: every channel pre/post-fit, pulls, correlations, yields (PDF)")
