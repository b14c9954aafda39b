using SignActors.Training.Faults;
using Xunit;

namespace SignActors.Tests.Node;

/// <summary>ALIE and IPM against their definitions, on float32 messages and on ±1 signs.</summary>
public class CraftedAttackTests
{
    [Theory]
    [InlineData(0.5, 0.0)]
    [InlineData(0.96, 1.7506860712521692)]   // Φ⁻¹(0.96)
    [InlineData(0.625, 0.31863936396437514)] // Φ⁻¹(0.625)
    [InlineData(0.01, -2.3263478740408408)]  // the lower tail branch
    [InlineData(0.995, 2.5758293035489004)]  // the upper tail branch
    public void The_normal_quantile_matches_reference_values(double p, double expected) =>
        Assert.Equal(expected, CraftedAttacks.InverseNormal(p), 7);

    [Fact]
    public void Alies_z_follows_the_papers_formula()
    {
        // n = 50, f = 24: s = ⌊26⌋ − 24 = 2 supporters, z = Φ⁻¹(48/50); n = 8, f = 2: s = 3, z = Φ⁻¹(5/8).
        Assert.Equal(1.7506860712521692, CraftedAttacks.AlieZ(50, 24), 7);
        Assert.Equal(0.31863936396437514, CraftedAttacks.AlieZ(8, 2), 7);
    }

    [Fact]
    public void On_float32_messages_alie_is_mu_minus_z_sigma_and_ipm_minus_epsilon_mu()
    {
        float[][] honest = { new[] { 1f, 2f }, new[] { 3f, 2f }, new[] { 5f, 2f } };
        // μ = (3, 2); population σ = (√(8/3), 0).
        var alie = CraftedAttacks.Alie(honest, 1.0);
        Assert.Equal((float)(3 - Math.Sqrt(8.0 / 3)), alie[0]);
        Assert.Equal(2f, alie[1]);
        Assert.Equal(new[] { -1.5f, -1f }, CraftedAttacks.Ipm(honest, 0.5));
    }

    [Fact]
    public void On_signs_the_attack_is_the_sign_of_the_crafted_vector()
    {
        // Honest signs (+1,−1), (+1,+1), (−1,+1): μ = (1/3, 1/3), σ = √(1 − 1/9) = 0.943 in both coordinates.
        float[][] honest = { new[] { 1f, -1f }, new[] { 1f, 1f }, new[] { -1f, 1f } };
        var alie = CraftedAttacks.Alie(honest, 1.0);
        Assert.All(alie, x => Assert.Equal(1 / 3.0 - Math.Sqrt(8.0 / 9), x, 6));
        Assert.All(alie, x => Assert.True(x < 0));                         // sign −1: against the honest majority (+1)
        Assert.All(CraftedAttacks.Ipm(honest, 0.1), x => Assert.True(x < 0)); // −ε·μ: opposite the honest mean
        Assert.All(CraftedAttacks.Alie(honest, 0.0), x => Assert.True(x > 0)); // z = 0 sends μ itself
    }
}
