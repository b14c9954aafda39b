using SignActors.Training.Schedules;
using SignActors.Training.Updates;
using Xunit;

namespace SignActors.Tests.Training;

public class SchedulesAndOptimizersTests
{
    [Fact]
    public void Schedules_give_exact_values()
    {
        Assert.Equal(0.1, new ConstantSchedule(0.1).At(57));
        var step = new StepSchedule(1.0, 0.5, 10);
        Assert.Equal(new[] { 1.0, 1.0, 0.5, 0.5, 0.25 }, new long[] { 1, 10, 11, 20, 21 }.Select(step.At));
        // SPEC §1: η_t = min + (η0 − min)(1 + cos(π(t − 1)/T))/2 with T = 4, η0 = 1, min = 0.2.
        var cosine = new CosineSchedule(1.0, 4, 0.2);
        Assert.Equal(1.0, cosine.At(1));
        Assert.Equal(0.2 + 0.8 * (1 + Math.Sqrt(0.5)) / 2, cosine.At(2), 15);
        Assert.Equal(0.6, cosine.At(3), 15);
        Assert.Equal(0.2 + 0.8 * (1 - Math.Sqrt(0.5)) / 2, cosine.At(4), 15); // the last round still steps: η_T > min
        Assert.True(new CosineSchedule(0.01, 800).At(800) > 0);
        var inv = new InverseSqrtSchedule(0.3);
        Assert.Equal(0.3, inv.At(1));
        Assert.Equal(0.15, inv.At(4));
        Assert.Equal(0.075, new InverseSchedule(0.3).At(4));
        Assert.Equal(0.3, new InverseSchedule(0.3).At(1));
    }

    [Fact]
    public void Schedules_reject_bad_arguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConstantSchedule(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepSchedule(1, 1.5, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepSchedule(1, 0.5, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineSchedule(1, 10, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConstantSchedule(1).At(0));
    }

    [Fact]
    public void Sgd_with_weight_decay()
    {
        float[] x = { 1f, -2f };
        new Sgd(0.5f).Step(new[] { 1f, 1f }, x, 0.25f);
        // 1 - .25(1 + .5) = 0.625;  -2 - .25(1 - 1) = -2
        Assert.Equal(new[] { 0.625f, -2f }, x);
    }

    [Fact]
    public void Sgd_momentum_over_three_steps()
    {
        float[] x = { 0f };
        var o = new SgdMomentum(0.5f);
        o.Step(new[] { 1f }, x, 1f);   // b = 1;        x = -1
        o.Step(new[] { 2f }, x, 1f);   // b = .5 + 2 = 2.5;  x = -3.5
        o.Step(new[] { 0f }, x, 1f);   // b = 1.25;    x = -4.75
        Assert.Equal(-4.75f, x[0]);
        o.Reset();
        o.Step(new[] { 1f }, x, 1f);   // fresh buffer: b = 1
        Assert.Equal(-5.75f, x[0]);
    }

    [Fact]
    public void AdamW_first_step_is_a_signed_unit_step_plus_decay()
    {
        float[] x = { 1f, 1f };
        new AdamW(0.9f, 0.999f, 0f, 0.1f).Step(new[] { 3f, -0.5f }, x, 0.01f);
        // decay: x·(1 − .01·.1) = 0.999; m̂ = g, v̂ = g² ⇒ step = η·sign(g)
        Assert.Equal(0.999f - 0.01f, x[0], 6);
        Assert.Equal(0.999f + 0.01f, x[1], 6);
    }
}
