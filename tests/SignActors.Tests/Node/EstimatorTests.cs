using SignActors.Node.Estimators;
using SignActors.Training.Algorithms;
using Xunit;

namespace SignActors.Tests.Node;

/// <summary>Each recurrence of SPEC §2 over three hand-computed steps (values exact in float).</summary>
public class EstimatorTests
{
    static float[] Step(IGradientEstimator e, float[] g, float[]? gPrev = null, float eta = 0f) =>
        e.Update(new EstimatorInput(g, gPrev ?? Array.Empty<float>(), eta)).ToArray();

    [Fact]
    public void Plain_passes_the_gradient_through()
    {
        var e = new PlainEstimator(2);
        Assert.Equal(new[] { 1f, -2f }, Step(e, new[] { 1f, -2f }));
        Assert.Equal(new[] { 3f, 0f }, Step(e, new[] { 3f, 0f }));
    }

    [Fact]
    public void Momentum_weights_the_new_gradient_by_beta()
    {
        var e = new MomentumEstimator(2, 0.25f);
        Assert.Equal(new[] { 4f, -8f }, Step(e, new[] { 4f, -8f }));   // v1 = g1
        Assert.Equal(new[] { 4f, -5f }, Step(e, new[] { 4f, 4f }));    // .75·4 + .25·4 = 4; .75·-8 + .25·4 = -5
        Assert.Equal(new[] { 3f, -3.75f }, Step(e, new[] { 0f, 0f })); // .75·4; .75·-5
        e.Reset();
        Assert.Equal(new[] { 1f, 1f }, Step(e, new[] { 1f, 1f }));     // crash: state lost, v = g again
    }

    [Fact]
    public void Storm_corrects_with_the_gradient_at_the_previous_point()
    {
        // β = 0.25, so a swap of β and 1 − β gives other numbers.
        var e = new StormEstimator(1, 0.25f);
        Assert.False(e.NeedsGradientAtPrevious);
        Assert.Equal(new[] { 2f }, Step(e, new[] { 2f }));                       // v1 = g1(x1)
        Assert.True(e.NeedsGradientAtPrevious);
        Assert.Equal(new[] { 3.75f }, Step(e, new[] { 3f }, new[] { 1f }));      // 3 + .75(2 − 1)
        Assert.Equal(new[] { 1.8125f }, Step(e, new[] { -1f }, new[] { 0f }));   // −1 + .75(3.75 − 0)
    }

    [Fact]
    public void Error_feedback_carries_the_compression_residual()
    {
        var e = new ErrorFeedbackEstimator(2);
        // p1 = .5·(4, −2) = (2, −1); scale = 1.5; e2 = (2 − 1.5, −1 + 1.5) = (.5, .5)
        Assert.Equal(new[] { 2f, -1f }, Step(e, new[] { 4f, -2f }, eta: 0.5f));
        Assert.Equal(1.5f, e.Scale);
        Assert.Equal(new[] { 0.5f, 0.5f }, e.Residual.ToArray());
        // p2 = .5·(0, −2) + (.5, .5) = (.5, −.5); scale = .5; e3 = (0, 0)
        Assert.Equal(new[] { 0.5f, -0.5f }, Step(e, new[] { 0f, -2f }, eta: 0.5f));
        Assert.Equal(new[] { 0f, 0f }, e.Residual.ToArray());
        // p3 = .25·(2, 6) = (.5, 1.5); scale = 1; e4 = (−.5, .5)
        Assert.Equal(new[] { 0.5f, 1.5f }, Step(e, new[] { 2f, 6f }, eta: 0.25f));
        Assert.Equal(new[] { -0.5f, 0.5f }, e.Residual.ToArray());
    }

    [Fact]
    public void Lion_compresses_the_interpolation_then_updates_momentum()
    {
        // β1 = 0.25, β2 = 0.875: swapping β1 and 1 − β1 (or β2 and 1 − β2, or β1 and β2) changes every line.
        var e = new LionEstimator(1, 0.25f, 0.875f);
        Assert.Equal(new[] { 3f }, Step(e, new[] { 4f }));           // c = .25·0 + .75·4;  m = .875·0 + .125·4 = .5
        Assert.Equal(0.5f, e.Momentum[0]);
        Assert.Equal(new[] { -2.875f }, Step(e, new[] { -4f }));     // c = .25·.5 + .75·−4; m = .4375 − .5 = −.0625
        Assert.Equal(new[] { 5.984375f }, Step(e, new[] { 8f }));    // c = −.015625 + 6;   m = −.0546875 + 1
        Assert.Equal(0.9453125f, e.Momentum[0]);
    }

    [Fact]
    public void Factory_builds_each_kind_and_checks_lengths()
    {
        foreach (var kind in Enum.GetValues<EstimatorKind>())
            Assert.Equal(SignActors.Training.Spellings.Estimator.Of(kind), Estimator.Create(new EstimatorSpec(kind), 3).Name);
        var e = Assert.Throws<ArgumentException>(() => new PlainEstimator(3).Update(new EstimatorInput(new float[2])));
        Assert.Contains("expected d=3", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ErrorFeedbackEstimator(1).Update(new EstimatorInput(new float[1], default, 0f)));
    }
}

public class EstimatorStateTests
{
    const int D = 257;

    public static IEnumerable<object[]> Specs() => new[]
    {
        new EstimatorSpec(EstimatorKind.Plain), new EstimatorSpec(EstimatorKind.Momentum, 0.1), new EstimatorSpec(EstimatorKind.Storm, 0.5),
        new EstimatorSpec(EstimatorKind.ErrorFeedback), new EstimatorSpec(EstimatorKind.Lion, Beta1: 0.9, Beta2: 0.99),
    }.Select(s => new object[] { s });

    static float[] Update(IGradientEstimator e, int round) =>
        e.Update(new EstimatorInput(TestVectors.Uniform(D, 100 + round), TestVectors.Uniform(D, 200 + round), 0.01f)).ToArray();

    [Theory]
    [MemberData(nameof(Specs))]
    public void An_exported_state_continues_bit_identically_in_a_fresh_estimator(EstimatorSpec spec)
    {
        var original = Estimator.Create(spec, D);
        for (int t = 1; t <= 3; t++) Update(original, t);
        var state = original.Export();
        var restored = Estimator.Create(spec, D);
        restored.Import(state);
        Assert.Equal(state, restored.Export());
        for (int t = 4; t <= 6; t++) Assert.Equal(Update(original, t), Update(restored, t));
    }

    [Fact]
    public void A_state_of_the_wrong_shape_is_refused_and_changes_nothing()
    {
        var momentum = Estimator.Create(new EstimatorSpec(EstimatorKind.Momentum, 0.1), D);
        Update(momentum, 1);
        var before = momentum.Export();
        var e = Assert.Throws<ArgumentException>(() => momentum.Import(new SignActors.Messages.Protocol.EstimatorSnapshot(true, new[] { new float[D - 1] })));
        Assert.StartsWith("momentum state needs 1 buffer(s) of d=257, got 1 of 256", e.Message);
        Assert.Equal(before, momentum.Export());
    }
}
