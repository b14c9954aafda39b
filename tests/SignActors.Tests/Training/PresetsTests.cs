using SignActors.Messages;
using SignActors.Messages.Packing;
using SignActors.Training.Algorithms;
using SignActors.Training.Updates;
using Xunit;

namespace SignActors.Tests.Training;

public class PresetsTests
{
    // SPEC §5, row by row: preset, estimator, uplink, aggregator (n = 8, then n = 1 where it differs).
    public static IEnumerable<object[]> Table() => new[]
    {
        new object[] { "signsgd", 8, "plain", "sign", "majority-vote" },
        new object[] { "signsgd", 1, "plain", "sign", "identity" },
        new object[] { "signum", 8, "momentum", "sign", "majority-vote" },
        new object[] { "sto-signsgd", 8, "plain", "stochastic-sign", "majority-vote" },
        new object[] { "mvsm-v1", 8, "momentum", "stochastic-sign", "majority-vote" },
        new object[] { "mvsm-v2", 8, "momentum", "stochastic-sign", "unbiased-sign" },
        new object[] { "ssvr", 1, "storm", "sign", "identity" },
        new object[] { "ssvr-mv", 8, "storm", "stochastic-sign", "unbiased-sign" },
        new object[] { "ssdm", 8, "momentum", "stochastic-sign", "mean" },
        new object[] { "scaled-signsgd", 8, "plain", "scaled-sign", "scaled-majority" },
        new object[] { "ef-signsgd", 1, "error-feedback", "scaled-sign", "identity" },
        new object[] { "ef-signsgd", 8, "error-feedback", "scaled-sign", "scaled-majority" },
        new object[] { "lion", 1, "lion", "sign", "identity" },
        new object[] { "lion", 8, "lion", "sign", "majority-vote" },
        new object[] { "lion-mv", 8, "lion", "sign", "majority-vote" },
        new object[] { "sgd", 8, "plain", "float32", "mean" },
        new object[] { "sgdm", 8, "momentum", "float32", "mean" },
        new object[] { "adamw", 8, "plain", "float32", "mean" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Preset_resolves_to_the_spec_row(string preset, int nodes, string estimator, string uplink, string aggregator)
    {
        var spec = Presets.Resolve(preset, nodes);
        Assert.Equal(estimator, Names.Of(spec.Estimator.Kind));
        Assert.Equal(uplink, Names.Of(spec.Uplink.Kind));
        Assert.Equal(aggregator, Names.Of(spec.Aggregator.Kind));
        Assert.Null(spec.Validate(nodes));
    }

    [Fact]
    public void Every_listed_preset_resolves_and_unknown_ones_name_the_choices()
    {
        Assert.All(Presets.All, p => Assert.NotNull(Presets.Resolve(p, 8)));
        var e = Assert.Throws<ArgumentException>(() => Presets.Resolve("signsdg", 8));
        Assert.Contains("signsgd", e.Message);
    }

    [Fact]
    public void Update_rules_follow_spec_section_4()
    {
        Assert.Equal(UpdateKind.Sign, Presets.Resolve("mvsm-v1", 8).Update);
        Assert.Equal(UpdateKind.ScaledSign, Presets.Resolve("scaled-signsgd", 8).Update);
        Assert.Equal(UpdateKind.ErrorFeedback, Presets.Resolve("ef-signsgd", 1).Update);
        Assert.Equal(UpdateKind.ErrorFeedback, Presets.Resolve("ef-signsgd", 8).Update);
        Assert.Equal(UpdateKind.Optimizer, Presets.Resolve("ssdm", 8).Update);
        Assert.Equal(UpdateKind.Optimizer, Presets.Resolve("adamw", 1).Update);
        Assert.Equal(ScaleKind.MeanAbs, Presets.Resolve("ef-signsgd", 8).Scale);
        Assert.Equal(ScaleKind.L1Norm, Presets.Resolve("scaled-signsgd", 8).Scale);
    }

    [Fact]
    public void Components_are_overridable_and_conflicts_are_named()
    {
        var spec = Presets.Resolve("signum", 8) with { Uplink = new UplinkSpec(UplinkKind.StochasticSign, RadiusRule.Fixed(0.5)) };
        Assert.Null(spec.Validate(8));
        Assert.Contains("identity is for single-node", Presets.Resolve("ssvr", 8).Validate(8));
        Assert.Contains("needs a 1-bit uplink", (Presets.Resolve("signum", 8) with { Uplink = new UplinkSpec(UplinkKind.Float32) }).Validate(8));
        Assert.Contains("needs uplink scaled-sign", (Presets.Resolve("ef-signsgd", 8) with { Uplink = new UplinkSpec(UplinkKind.Sign) }).Validate(8));
        Assert.Contains("beta must be in (0, 1]", (spec with { Estimator = new EstimatorSpec(EstimatorKind.Momentum, Beta: 0) }).Validate(8));
        Assert.Contains("radius", (spec with { Uplink = new UplinkSpec(UplinkKind.StochasticSign, RadiusRule.Fixed(-1)) }).Validate(8));
    }

    [Fact]
    public void Downlink_update_dispatches_each_rule()
    {
        var signs = SignPacker.Pack(new[] { 1f, -1f });
        float[] x = { 0f, 0f };
        new DownlinkUpdate(Presets.Resolve("signsgd", 8)).Apply(new SignPayload(signs), x, 0.5f);
        Assert.Equal(new[] { -0.5f, 0.5f }, x);

        x = new[] { 0f, 0f };
        new DownlinkUpdate(Presets.Resolve("scaled-signsgd", 8)).Apply(new ScaledSignPayload(signs, 4f), x, 0.5f);
        Assert.Equal(new[] { -2f, 2f }, x);

        x = new[] { 0f, 0f };
        new DownlinkUpdate(Presets.Resolve("ef-signsgd", 8)).Apply(new ScaledSignPayload(signs, 0.25f), x, 100f);
        Assert.Equal(new[] { -0.25f, 0.25f }, x);

        x = new[] { 0f, 0f };
        var counts = new CountVector(2, 4) { [0] = 3, [1] = 0 }; // m = (0.5, -1)
        new DownlinkUpdate(Presets.Resolve("ssdm", 4)).Apply(new CountPayload(counts), x, 2f);
        Assert.Equal(new[] { -1f, 2f }, x);

        var wrong = Assert.Throws<ArgumentException>(() => new DownlinkUpdate(Presets.Resolve("signsgd", 8)).Apply(new DensePayload(new float[2]), x, 1f));
        Assert.Contains("cannot apply", wrong.Message);
    }
}
