#!/usr/bin/env python3
"""assets/demo/make_demo.py - generate assets/demo/demo.json, hfscope's bundled demo workspace.

A made-up one-lepton search in the m_eff spectrum: three signal regions, control regions for
ttbar, W+jets, Z+jets and diboson, and one validation region; signal plus four backgrounds
(pyhf schema 1.0.0). Standard library only, fixed seed: the output is byte-for-byte reproducible.

    python3 assets/demo/make_demo.py                 # writes assets/demo/demo.json
    python3 assets/demo/make_demo.py --check         # also prints an Asimov Fisher-matrix estimate
                                                     # of post-fit/pre-fit widths (pure Python)
    python3 assets/demo/make_demo.py -o OTHER.json

Features built in on purpose (see README.md beside this file):
  * zjets_xsec: a 25% prior on the Z+jets cross section, constrained to a few percent by the
    high-statistics CR_zjets (the over-constrained nuisance parameter);
  * ttbar_generator: a two-point histosys (alternative generator as "up", nominal as "down")
    applied where ttbar is extrapolated from CR_ttbar (signal and validation regions);
  * CR_wjets data carry a 20% linear slope versus the model across the spectrum (mismodelling);
  * data are Poisson draws from a "nature" model with mu_sig = 0.6 and small pulls.
"""

import argparse
import json
import math
import os
import random
import sys

SEED = 20261123
MU_SIG_TRUE = 0.6
MISMODEL_CHANNEL = "CR_wjets"
MISMODEL_SLOPE = 0.22  # data/model goes from 0.89 to 1.11 across CR_wjets

SAMPLES = ["signal", "ttbar", "wjets", "zjets", "diboson"]

# Exponential fall-off length of m_eff (GeV) per background; the signal is a broad hump.
DECAY = {"ttbar": 380.0, "wjets": 330.0, "zjets": 290.0, "diboson": 480.0}
SIGNAL_PEAK, SIGNAL_WIDTH = 1700.0, 450.0

# MC statistics: sigma_b = sqrt(nu_b * w) (w = typical event weight of the simulated sample).
MC_WEIGHT = {"ttbar": 0.03, "wjets": 0.12, "zjets": 0.04, "diboson": 0.015}

# name, m_eff range [GeV], bins, expected yields per sample (nominal, mu = 1), kind
CHANNELS = [
    ("SR_lowMET", 800.0, 2000.0, 10,
     {"signal": 14.0, "ttbar": 150.0, "wjets": 65.0, "zjets": 22.0, "diboson": 11.0}, "SR"),
    ("SR_midMET", 1000.0, 2400.0, 8,
     {"signal": 17.0, "ttbar": 55.0, "wjets": 28.0, "zjets": 10.0, "diboson": 6.5}, "SR"),
    ("SR_highMET", 1200.0, 2800.0, 6,
     {"signal": 15.0, "ttbar": 13.0, "wjets": 8.5, "zjets": 4.0, "diboson": 2.8}, "SR"),
    ("CR_ttbar", 400.0, 1800.0, 14,
     {"ttbar": 16000.0, "wjets": 1400.0, "zjets": 260.0, "diboson": 140.0}, "CR"),
    ("CR_wjets", 400.0, 1600.0, 12,
     {"ttbar": 1500.0, "wjets": 6200.0, "zjets": 450.0, "diboson": 240.0}, "CR"),
    ("CR_zjets", 300.0, 1500.0, 16,
     {"ttbar": 450.0, "wjets": 140.0, "zjets": 11000.0, "diboson": 380.0}, "CR"),
    ("CR_diboson", 300.0, 1300.0, 5,
     {"ttbar": 28.0, "wjets": 9.0, "zjets": 36.0, "diboson": 210.0}, "CR"),
    ("VR_transition", 600.0, 1600.0, 8,
     {"signal": 2.5, "ttbar": 850.0, "wjets": 380.0, "zjets": 110.0, "diboson": 48.0}, "VR"),
]

# Normalisation systematics: name -> (samples, {channel kind or name: (hi, lo)}, default (hi, lo)).
NORMSYS = [
    ("zjets_xsec", ["zjets"], {}, (1.25, 0.78)),
    ("diboson_xsec", ["diboson"], {}, (1.10, 0.91)),
    ("signal_theory", ["signal"], {}, (1.07, 0.94)),
    ("lepton_id_eff", ["signal", "ttbar", "wjets", "zjets", "diboson"], {}, (1.015, 0.986)),
    ("btag_eff", ["signal", "ttbar", "wjets", "zjets", "diboson"],
     {"CR_ttbar": (1.035, 0.966), "SR": (1.045, 0.957), "VR": (1.04, 0.962),
      "CR_zjets": (1.008, 0.992), "CR_diboson": (1.01, 0.99)}, (1.02, 0.98)),
]

# Truth used to draw the observed data ("nature"): normfactors and nuisance pulls.
TRUTH = {
    "mu_sig": MU_SIG_TRUE, "mu_ttbar": 1.06, "mu_wjets": 0.93, "lumi": 1.004,
    "zjets_xsec": 0.25, "diboson_xsec": 0.3, "signal_theory": 0.0, "lepton_id_eff": -0.2,
    "btag_eff": 0.15, "jet_energy_scale": 0.35, "jet_energy_resolution": -0.25,
    "ttbar_generator": 0.3,
}


def r3(x):
    """Round for the file: 4 significant digits at least, 3 decimals at most."""
    if x == 0.0:
        return 0.0
    digits = max(3, 3 - int(math.floor(math.log10(abs(x)))))
    return round(x, digits)


def bin_positions(n):
    """Bin centres mapped to [-1, 1] (used for shape variations)."""
    return [-1.0 + 2.0 * (i + 0.5) / n for i in range(n)]


def spectrum(sample, lo, hi, n, total):
    """Yields per bin: integral of the sample's m_eff density over each bin, scaled to total."""
    width = (hi - lo) / n
    out = []
    for i in range(n):
        a = lo + i * width
        acc = 0.0
        steps = 20
        for k in range(steps):  # midpoint rule, plenty for smooth densities
            x = a + (k + 0.5) * width / steps
            if sample == "signal":
                acc += math.exp(-0.5 * ((x - SIGNAL_PEAK) / SIGNAL_WIDTH) ** 2)
            else:
                acc += math.exp(-(x - lo) / DECAY[sample])
        out.append(acc)
    s = sum(out)
    return [total * v / s for v in out]


def jes_templates(sample, nom, xs):
    """Jet energy scale: a harder spectrum up (more events at high m_eff), softer down."""
    tilt = 0.05 if sample == "signal" else 0.02
    norm_up, norm_dn = 0.025, 0.021
    up = [v * (1.0 + norm_up + tilt * x) for v, x in zip(nom, xs)]
    dn = [v * (1.0 - norm_dn - 0.9 * tilt * x) for v, x in zip(nom, xs)]
    return up, dn


def jer_templates(nom, xs):
    """Jet energy resolution: broader up (tails gain), narrower down; nearly symmetric."""
    up = [v * (1.0 + 0.006 + 0.02 * x * x) for v, x in zip(nom, xs)]
    dn = [v * (1.0 - 0.005 - 0.017 * x * x) for v, x in zip(nom, xs)]
    return up, dn


def generator_alt(nom, xs):
    """Alternative ttbar generator (e.g. a different parton shower): more high-m_eff events."""
    return [v * (1.03 + 0.06 * (x + 1.0)) for v, x in zip(nom, xs)]


def normsys_values(name, chan, kind):
    for nname, _samples, per, default in NORMSYS:
        if nname == name:
            if chan in per:
                return per[chan]
            if kind in per:
                return per[kind]
            return default
    raise KeyError(name)


def poisson(rng, lam):
    """Exact Poisson draw: a sum of Knuth draws over chunks of mean <= 20."""
    n = 0
    while lam > 0.0:
        part = min(lam, 20.0)
        lam -= part
        limit, k, p = math.exp(-part), 0, rng.random()
        while p > limit:
            k += 1
            p *= rng.random()
        n += k
    return n


def build():
    rng = random.Random(SEED)
    channels, observations, truth_nu = [], [], {}
    for cname, lo, hi, nb, yields, kind in CHANNELS:
        xs = bin_positions(nb)
        samples = []
        nature = [0.0] * nb
        for sname in SAMPLES:
            if sname not in yields:
                continue
            nom = spectrum(sname, lo, hi, nb, yields[sname])
            mods = []
            if sname == "signal":
                mods.append({"name": "mu_sig", "type": "normfactor", "data": None})
            elif sname == "ttbar":
                mods.append({"name": "mu_ttbar", "type": "normfactor", "data": None})
            elif sname == "wjets":
                mods.append({"name": "mu_wjets", "type": "normfactor", "data": None})
            if sname in ("signal", "zjets", "diboson"):
                # ttbar and W+jets are normalised in their control regions: no lumi uncertainty
                mods.append({"name": "lumi", "type": "lumi", "data": None})
            for nname, nsamples, _per, _default in NORMSYS:
                if sname in nsamples:
                    hi_, lo_ = normsys_values(nname, cname, kind)
                    mods.append({"name": nname, "type": "normsys",
                                 "data": {"hi": hi_, "lo": lo_}})
            jes_up, jes_dn = jes_templates(sname, nom, xs)
            mods.append({"name": "jet_energy_scale", "type": "histosys",
                         "data": {"hi_data": [r3(v) for v in jes_up],
                                  "lo_data": [r3(v) for v in jes_dn]}})
            jer_up, jer_dn = jer_templates(nom, xs)
            mods.append({"name": "jet_energy_resolution", "type": "histosys",
                         "data": {"hi_data": [r3(v) for v in jer_up],
                                  "lo_data": [r3(v) for v in jer_dn]}})
            gen_up = None
            if sname == "ttbar" and kind in ("SR", "VR"):
                # two-point systematic: one alternative sample; "down" is the nominal itself
                gen_up = generator_alt(nom, xs)
                mods.append({"name": "ttbar_generator", "type": "histosys",
                             "data": {"hi_data": [r3(v) for v in gen_up],
                                      "lo_data": [r3(v) for v in nom]}})
            stat = None
            if sname != "signal":
                stat = [math.sqrt(v * MC_WEIGHT[sname]) for v in nom]
                mods.append({"name": "staterror_" + cname, "type": "staterror",
                             "data": [r3(v) for v in stat]})
            shapesys = None
            if sname == "wjets" and cname == "SR_highMET":
                # W+jets extrapolation to high MET from a fit to low-MET data: 20% per bin
                shapesys = [0.20 * v for v in nom]
                mods.append({"name": "wjets_extrapolation_SR_highMET", "type": "shapesys",
                             "data": [r3(v) for v in shapesys]})
            samples.append({"name": sname, "data": [r3(v) for v in nom], "modifiers": mods})

            # nature: the same sample with the truth parameters (normsys exponential, histosys
            # piecewise linear) and a fluctuation of the simulated template within its MC stat
            norm = {"signal": TRUTH["mu_sig"], "ttbar": TRUTH["mu_ttbar"],
                    "wjets": TRUTH["mu_wjets"]}.get(sname, 1.0)
            if sname in ("signal", "zjets", "diboson"):
                norm *= TRUTH["lumi"]
            for nname, nsamples, _per, _default in NORMSYS:
                if sname in nsamples:
                    hi_, lo_ = normsys_values(nname, cname, kind)
                    a = TRUTH[nname]
                    norm *= hi_ ** a if a >= 0 else lo_ ** (-a)
            for b in range(nb):
                v = nom[b]
                for name, up, dn in (("jet_energy_scale", jes_up, jes_dn),
                                     ("jet_energy_resolution", jer_up, jer_dn)):
                    a = TRUTH[name]
                    v += a * (up[b] - nom[b]) if a >= 0 else -a * (dn[b] - nom[b])
                if gen_up is not None:
                    a = TRUTH["ttbar_generator"]
                    v += a * (gen_up[b] - nom[b]) if a >= 0 else 0.0
                if stat is not None:
                    v *= max(0.5, rng.gauss(1.0, stat[b] / nom[b]))
                if shapesys is not None:
                    v *= max(0.5, rng.gauss(1.0, 0.20))
                nature[b] += norm * max(v, 0.0)
        if cname == MISMODEL_CHANNEL:
            nature = [v * (1.0 + 0.5 * MISMODEL_SLOPE * x) for v, x in zip(nature, xs)]
        truth_nu[cname] = nature
        channels.append({"name": cname, "samples": samples})
        observations.append({"name": cname, "data": [float(poisson(rng, v)) for v in nature]})

    measurement = {
        "name": "meas",
        "config": {
            "poi": "mu_sig",
            "parameters": [
                {"name": "lumi", "auxdata": [1.0], "sigmas": [0.017],
                 "bounds": [[0.915, 1.085]], "inits": [1.0]},
            ],
        },
    }
    ws = {"channels": channels, "observations": observations,
          "measurements": [measurement], "version": "1.0.0"}
    return ws, truth_nu


def fisher_check(ws, out):
    """Asimov (nominal) Fisher information of the model, pure Python: print for every
    constrained parameter sigma_postfit / sigma_prefit. Linearised at the nominal point with
    pyhf's derivatives there (normsys code4: (ln hi - ln lo)/2, histosys code4p: (hi - lo)/2),
    so it is an estimate, not a fit (Cowan et al., EPJC 71 (2011) 1554, Asimov data)."""
    lumi_sigma = ws["measurements"][0]["config"]["parameters"][0]["sigmas"][0]
    index, prior_w, constraint = {}, [], []

    def par(name, width, info):
        if name not in index:
            index[name] = len(prior_w)
            prior_w.append(width)
            constraint.append(info)
        return index[name]

    rows = []  # (nu, {par: dnu/dpar})
    for ch in ws["channels"]:
        nb = len(ch["samples"][0]["data"])
        totals = [sum(s["data"][b] for s in ch["samples"]) for b in range(nb)]
        stat_sq = [0.0] * nb
        stat_nom = [0.0] * nb
        for s in ch["samples"]:
            for m in s["modifiers"]:
                if m["type"] == "staterror":
                    for b in range(nb):
                        stat_sq[b] += m["data"][b] ** 2
                        stat_nom[b] += s["data"][b]
        for b in range(nb):
            deriv = {}

            def add(p, v):
                deriv[p] = deriv.get(p, 0.0) + v
            for s in ch["samples"]:
                nom = s["data"][b]
                for m in s["modifiers"]:
                    t, name = m["type"], m["name"]
                    if t == "normfactor":
                        add(par(name, None, 0.0), nom)
                    elif t == "lumi":
                        add(par(name, lumi_sigma, 1.0 / lumi_sigma ** 2), nom)
                    elif t == "normsys":
                        d = m["data"]
                        add(par(name, 1.0, 1.0), nom * 0.5 * (math.log(d["hi"]) - math.log(d["lo"])))
                    elif t == "histosys":
                        d = m["data"]
                        add(par(name, 1.0, 1.0), 0.5 * (d["hi_data"][b] - d["lo_data"][b]))
                    elif t == "staterror":
                        rel = math.sqrt(stat_sq[b]) / stat_nom[b]
                        add(par("%s[%d]" % (name, b), rel, 1.0 / rel ** 2), nom)
                    elif t == "shapesys":
                        tau = (nom / m["data"][b]) ** 2
                        add(par("%s[%d]" % (name, b), 1.0 / math.sqrt(tau), tau), nom)
            rows.append((totals[b], deriv))
    n = len(prior_w)
    F = [[0.0] * n for _ in range(n)]
    for i in range(n):
        F[i][i] = constraint[i]
    for nu, deriv in rows:
        items = list(deriv.items())
        for i, di in items:
            for j, dj in items:
                F[i][j] += di * dj / nu
    C = invert(F)
    names = sorted(index, key=index.get)
    out.write("%-40s %10s %10s %8s\n" % ("parameter", "prefit", "postfit", "ratio"))
    for name in names:
        i = index[name]
        w = prior_w[i]
        post = math.sqrt(C[i][i])
        if w is None:
            out.write("%-40s %10s %10.4f %8s\n" % (name, "free", post, ""))
        elif "[" not in name or post / w < 0.5:
            out.write("%-40s %10.4f %10.4f %8.3f\n" % (name, w, post, post / w))


def invert(a):
    """Gauss-Jordan inversion with partial pivoting (Press et al., Numerical Recipes, 2.1)."""
    n = len(a)
    m = [row[:] + [1.0 if i == j else 0.0 for j in range(n)] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        piv = m[c][c]
        m[c] = [v / piv for v in m[c]]
        for r in range(n):
            if r != c and m[r][c] != 0.0:
                f = m[r][c]
                rc = m[c]
                m[r] = [v - f * w for v, w in zip(m[r], rc)]
    return [row[n:] for row in m]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", default=os.path.join(here, "demo.json"))
    ap.add_argument("--check", action="store_true",
                    help="print Asimov post-fit/pre-fit width estimates and data/model per channel")
    args = ap.parse_args()
    ws, truth_nu = build()
    text = json.dumps(ws, indent=1) + "\n"
    with open(args.output + ".tmp", "w") as f:
        f.write(text)
    os.replace(args.output + ".tmp", args.output)
    sys.stderr.write("wrote %s (%d bytes)\n" % (args.output, len(text)))
    if args.check:
        for ch, obs in zip(ws["channels"], ws["observations"]):
            nb = len(obs["data"])
            model = [sum(s["data"][b] for s in ch["samples"]) for b in range(nb)]
            ratio = " ".join("%.2f" % (o / m) for o, m in zip(obs["data"], model))
            sys.stdout.write("%-14s n=%-8d model=%-10.1f data/model: %s\n"
                             % (ch["name"], sum(obs["data"]), sum(model), ratio))
        fisher_check(ws, sys.stdout)


if __name__ == "__main__":
    main()
