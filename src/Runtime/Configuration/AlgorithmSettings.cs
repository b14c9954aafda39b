using Akka.Configuration;
using SignActors.Training.Algorithms;
using SignActors.Training.Schedules;

namespace SignActors.Runtime.Configuration;

/// <summary>Reads `signactors.algorithm` and `signactors.learning-rate` once into resolved types.</summary>
public static class AlgorithmSettings
{
    const string Keep = "preset";

    /// <param name="byzantine">The configured Byzantine nodes: the robust aggregators' tolerance when it is auto (at least 1).</param>
    /// <param name="rounds">T, for a horizon-dependent β (beta-t-exponent).</param>
    /// <param name="plugins">The run's plugin assemblies and settings (<see cref="PluginCatalog.Read"/>).</param>
    public static AlgorithmSpec Read(Config root, int nodes, int byzantine, long rounds, PluginCatalog plugins)
    {
        var c = new SettingsReader(root, "signactors.algorithm");
        string preset = c.String("preset");
        AlgorithmSpec spec;
        try { spec = Presets.Resolve(preset, nodes); }
        catch (ArgumentException e) { throw RunConfig.Invalid("signactors.algorithm.preset", e); }

        var chosen = new PluginChoice(
            PluginCatalog.NamesType(c.String("estimator")) ? plugins.Estimator(c.String("estimator")) : null,
            PluginCatalog.NamesType(c.String("uplink")) ? plugins.Uplink(c.String("uplink")) : null,
            PluginCatalog.NamesType(c.String("aggregator")) ? plugins.Aggregator(c.String("aggregator")) : null);
        var e0 = spec.Estimator;
        spec = spec with
        {
            Estimator = e0 with
            {
                Kind = chosen.Estimator is null ? Override(c, "estimator", e0.Kind) : e0.Kind,
                Beta = Horizon.Scale(c.Double("beta"), rounds, c.Double("beta-t-exponent")),
                Beta1 = c.Double("lion-beta1"),
                Beta2 = c.Double("lion-beta2"),
            },
            Uplink = spec.Uplink with { Kind = chosen.Uplink is null ? Override(c, "uplink", spec.Uplink.Kind) : spec.Uplink.Kind, Radius = Radius(c) },
            Aggregator = spec.Aggregator with
            {
                Kind = chosen.Aggregator is null ? Override(c, "aggregator", spec.Aggregator.Kind) : spec.Aggregator.Kind,
                TieBreak = Parse<TieBreak>(c, "tie-break"),
                Tolerance = c.IntOrAuto("tolerance", Math.Max(1, byzantine), 0, nodes),
            },
            Optimizer = spec.Optimizer with
            {
                Kind = Override(c, "optimizer", spec.Optimizer.Kind),
                Momentum = c.Double("sgd-momentum"),
                Beta1 = c.Double("adam-beta1"),
                Beta2 = c.Double("adam-beta2"),
                Epsilon = c.Double("adam-epsilon"),
            },
            WeightDecay = c.Double("weight-decay"),
            Plugins = chosen is { Estimator: null, Uplink: null, Aggregator: null } ? null : chosen,
            Noise = ReadNoise(root),
        };
        if (spec.Validate(nodes) is { } problem) throw new ConfigurationException($"signactors.algorithm: {problem}");
        return spec;
    }

    public static LearningRateSchedule ReadSchedule(Config root, long rounds)
    {
        var c = new SettingsReader(root, "signactors.learning-rate");
        double eta0 = Horizon.Scale(c.Double("initial"), rounds, c.Double("t-exponent"));
        try
        {
            return c.String("schedule") switch
            {
                "constant" => new ConstantSchedule(eta0),
                "step" => new StepSchedule(eta0, c.Double("gamma"), c.Long("every")),
                "cosine" => new CosineSchedule(eta0, rounds, c.Double("minimum")),
                "inverse-sqrt" => new InverseSqrtSchedule(eta0),
                "inverse" => new InverseSchedule(eta0),
                var s => throw new ConfigurationException($"signactors.learning-rate.schedule = \"{s}\" is not one of: constant, step, cosine, inverse-sqrt, inverse"),
            };
        }
        catch (ArgumentOutOfRangeException e) { throw RunConfig.Invalid("signactors.learning-rate", e); }
    }

    static T Override<T>(SettingsReader c, string key, T presetValue) where T : struct, Enum
    {
        string text = c.String(key);
        return text == Keep ? presetValue : Parse<T>(c, key);
    }

    static T Parse<T>(SettingsReader c, string key) where T : struct, Enum
    {
        return c.Enum(key, Training.Spellings.For<T>());
    }

    /// <summary>`algorithm.noise { law, scale, nu }`: none by default.</summary>
    static Training.Noise.NoiseSpec ReadNoise(Config root)
    {
        var n = new SettingsReader(root, "signactors.algorithm.noise");
        var law = n.Enum("law", Training.Spellings.NoiseLaw);
        return law == Training.Noise.NoiseLaw.None ? Training.Noise.NoiseSpec.None : new Training.Noise.NoiseSpec(law, n.Double("scale"), n.Double("nu"));
    }

    static RadiusRule Radius(SettingsReader c)
    {
        string text = c.String("radius");
        if (text == "auto") return RadiusRule.Auto;
        if (text == "per-tensor") return RadiusRule.PerTensor;
        if (text == "per-tensor-rms") return RadiusRule.PerTensorRms;
        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var r) && r > 0 && double.IsFinite(r))
            return RadiusRule.Fixed(r);
        throw new ConfigurationException($"signactors.algorithm.radius = \"{text}\" must be a positive number, auto, per-tensor or per-tensor-rms");
    }
}
