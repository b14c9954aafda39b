using SignActors.Training.Objectives;
using Xunit;

namespace SignActors.Tests.Training;

/// <summary>The objectives' f and ∇f against values worked out by hand, and against f's own finite differences.</summary>
public class ObjectiveTests
{
    static ObjectiveSpec Spec(ObjectiveKind kind, double[] start, double[] smoothness) => new(kind, start, smoothness);

    static (double F, float[] G) At(ObjectiveSpec spec, params float[] x)
    {
        var g = new float[x.Length];
        Objective.Gradient(spec, x, g);
        return (Objective.Value(spec, x), g);
    }

    [Fact]
    public void Quadratic_is_002s_x1_squared_plus_x2_squared_at_smoothness_2()
    {
        var (f, g) = At(Spec(ObjectiveKind.Quadratic, [0, 0], [2, 2]), 0.5f, -0.25f);
        Assert.Equal(0.25 + 0.0625, f, 15);
        Assert.Equal(new[] { 1f, -0.5f }, g);
    }

    [Fact]
    public void X2_plus_3sin2_at_1_and_its_minimum_at_0()
    {
        // sin 1 = 0.8414709848078965, sin 2 = 0.9092974268256817.
        var (f, g) = At(Spec(ObjectiveKind.X2Plus3Sin2, [0], [1]), 1f);
        Assert.Equal(1 + 3 * 0.8414709848078965 * 0.8414709848078965, f, 14);
        Assert.Equal((float)(2 + 3 * 0.9092974268256817), g[0]);
        var (f0, g0) = At(Spec(ObjectiveKind.X2Plus3Sin2, [0], [1]), 0f);
        Assert.Equal(0.0, f0);
        Assert.Equal(new[] { 0f }, g0);
    }

    [Fact]
    public void Separable_smooth_at_1_and_minus_2()
    {
        // L = (1, 4): f = ½ ln 2 + 2 ln 5 = 0.34657359027997264 + 3.2188758248682006; g = (1/2, 4·(−2)/5).
        var (f, g) = At(Spec(ObjectiveKind.SeparableSmooth, [0, 0], [1, 4]), 1f, -2f);
        Assert.Equal(0.34657359027997264 + 3.2188758248682006, f, 14);
        Assert.Equal(new[] { 0.5f, -1.6f }, g);
    }

    [Theory]
    [InlineData(ObjectiveKind.Quadratic)]
    [InlineData(ObjectiveKind.X2Plus3Sin2)]
    [InlineData(ObjectiveKind.SeparableSmooth)]
    public void Gradients_are_fs_central_differences_and_curvature_stays_within_the_constants(ObjectiveKind kind)
    {
        var spec = Spec(kind, [0], [3]);
        double F(double u) => Objective.Value(spec, [(float)u]);
        double bound = kind == ObjectiveKind.X2Plus3Sin2 ? 8 : 3; // f'' = 2 + 6 cos 2x ∈ [−4, 8]; L = 3 otherwise
        for (double u = -4; u <= 4; u += 0.125) // multiples of 1/8 are exact floats
        {
            const double h = 1.0 / 64;
            Assert.Equal((F(u + h) - F(u - h)) / (2 * h), At(spec, (float)u).G[0], 2e-3 * Math.Max(1, Math.Abs(At(spec, (float)u).G[0])));
            Assert.True(Math.Abs((F(u + h) - 2 * F(u) + F(u - h)) / (h * h)) <= bound + 1e-2, $"{kind}: |f''({u})| above {bound}");
        }
    }

    [Fact]
    public void Bad_constants_are_one_line()
    {
        Assert.Equal("smoothness has 1 constants for dimension 2", Spec(ObjectiveKind.Quadratic, [1, 1], [1]).Validate());
        Assert.Equal("smoothness must be positive and finite, got 0", Spec(ObjectiveKind.Quadratic, [1], [0]).Validate());
        Assert.Equal("start must be finite float32 values, got 1E+300", Spec(ObjectiveKind.Quadratic, [1e300], [1]).Validate());
        Assert.Null(Spec(ObjectiveKind.SeparableSmooth, [1, 2], [1, 2]).Validate());
    }
}
