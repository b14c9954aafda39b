using SignActors.Bench;
using Xunit;

namespace SignActors.Tests.Host;

public sealed class PairedRatioTests
{
    [Fact]
    public void Six_pairs_give_the_extremes_with_coverage_one_minus_two_sixty_fourths()
    {
        var r = PairedRatio.Of([1.04, 0.98, 1.10, 1.01, 1.07, 1.02]);
        Assert.Equal(1.03, r.Median, 12); // (1.02 + 1.04) / 2
        Assert.Equal(0.98, r.Low);
        Assert.Equal(1.10, r.High);
        Assert.Equal(1 - 2.0 / 64, r.Coverage, 12);
        Assert.False(r.Under(1.10));
        Assert.True(r.Under(1.11));
    }

    [Fact]
    public void Twelve_pairs_drop_two_from_each_end()
    {
        // P(B(12, ½) ≤ 2) = (1 + 12 + 66)/4096 = 0.0193 ≤ 2.5 % < P(B ≤ 3) = 299/4096: k = 3, [x(3), x(10)].
        var r = PairedRatio.Of(Enumerable.Range(1, 12).Select(i => (double)i).Reverse().ToArray());
        Assert.Equal(6.5, r.Median);
        Assert.Equal(3, r.Low);
        Assert.Equal(10, r.High);
        Assert.Equal(1 - 2 * 79.0 / 4096, r.Coverage, 12);
        Assert.Equal(79.0 / 4096, PairedRatio.BinomialHalfCdf(12, 2), 15);
    }

    [Fact]
    public void Five_pairs_have_no_interval_and_meet_no_target()
    {
        var r = PairedRatio.Of([1.0, 1.0, 1.0, 1.0, 1.0]);
        Assert.True(double.IsNaN(r.High));
        Assert.False(r.Under(2));
        Assert.Contains("no interval", r.ToString());
    }
}
