using SignActors.Server.Aggregators;
using SignActors.Training.Algorithms;
using Xunit;

namespace SignActors.Tests.Server;

/// <summary>Where float32 aggregation stops: n·d·4 bytes of votes (plus Krum's n² distances) against memory, and Krum's n²·d work.</summary>
public class AggregatorLimitTests
{
    const long GB = 1_000_000_000;

    [Fact]
    public void Float32_votes_are_refused_beyond_eighty_percent_of_memory_and_krum_beyond_ten_to_the_thirteen()
    {
        var mean = Presets.Resolve("sgd", 10_000);
        // 10,000 votes of d = 254,084: 10.16 GB — fits in 24 GB (19.2 GB usable), not in 8 GB (6.4 GB).
        Assert.Null(AggregatorLimits.Check(mean, 10_000, 254_084, 24 * GB));
        Assert.Equal("float32 votes of 10,000 nodes at d = 254,084 need 10.2 GB on the server each round (n·d·4 bytes), more than 80 % of the 8.0 GB this process may use; use a 1-bit uplink or fewer nodes",
            AggregatorLimits.Check(mean, 10_000, 254_084, 8 * GB));
        Assert.Null(AggregatorLimits.Check(Presets.Resolve("signum", 10_000), 10_000, 254_084, 1 * GB)); // 1-bit votes: not this limit

        var krum = Presets.Resolve("krum-sgd", 1_000);
        Assert.Null(AggregatorLimits.Check(krum, 100, 254_084, 24 * GB));                                       // 2.5·10⁹
        Assert.Contains("n²·d = 1.1E+013 operations a round at n = 1,000, d = 11,200,000", AggregatorLimits.Check(krum, 1_000, 11_200_000, 100 * GB)); // 1.12·10¹³
    }
}
