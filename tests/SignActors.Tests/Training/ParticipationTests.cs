using SignActors.Training.Faults;
using SignActors.Training.Runs;
using Xunit;

namespace SignActors.Tests.Training;

/// <summary>Client sampling's draw: k distinct candidates, the same for the same (seed, round), uniform over nodes within four sigma.</summary>
public class ParticipationTests
{
    [Fact]
    public void A_draw_is_k_distinct_sorted_candidates_and_the_same_for_the_same_seed_and_round()
    {
        int[] candidates = { 9, 2, 5, 7, 11, 3, 0 };
        var a = Participation.Draw(4, 17, candidates, 3);
        Assert.Equal(3, a.Length);
        Assert.Equal(a.Order(), a);
        Assert.Equal(3, a.Distinct().Count());
        Assert.All(a, j => Assert.Contains(j, candidates));
        Assert.Equal(a, Participation.Draw(4, 17, candidates.Reverse().ToArray(), 3)); // candidates' order does not matter
        Assert.Equal(candidates.Order(), Participation.Draw(4, 17, candidates, 7));    // k ≥ m: all of them
        Assert.Equal(candidates.Order(), Participation.Draw(4, 17, candidates, 99));
        var rounds = Enumerable.Range(1, 20).Select(t => string.Join(",", Participation.Draw(4, t, candidates, 3))).Distinct().Count();
        Assert.True(rounds > 10, $"only {rounds} distinct draws in 20 rounds");
    }

    [Fact]
    public void Every_node_takes_part_in_k_over_m_of_the_rounds_within_four_sigma()
    {
        const int m = 10, k = 3, rounds = 20_000;
        var counts = new int[m];
        var pairs = 0; // rounds where nodes 0 and 1 both take part: k(k−1)/(m(m−1))
        var candidates = Enumerable.Range(0, m).ToArray();
        for (int t = 1; t <= rounds; t++)
        {
            var drawn = Participation.Draw(77, t, candidates, k);
            foreach (int j in drawn) counts[j]++;
            if (drawn.Contains(0) && drawn.Contains(1)) pairs++;
        }
        double p = (double)k / m, bound = 4 * Math.Sqrt(rounds * p * (1 - p));
        Assert.All(counts, c => Assert.InRange(c, rounds * p - bound, rounds * p + bound));
        double q = k * (k - 1.0) / (m * (m - 1.0)), pairBound = 4 * Math.Sqrt(rounds * q * (1 - q));
        Assert.InRange(pairs, rounds * q - pairBound, rounds * q + pairBound); // without replacement, not independent coins
    }

    [Fact]
    public void Nodes_a_crash_holds_down_are_never_drawn_and_all_means_no_sampling()
    {
        var faults = new FaultPlan(new Dictionary<int, NodeFaults> { [2] = new(Crash: new CrashSpec(3, 2)) });
        for (long t = 3; t <= 4; t++) Assert.DoesNotContain(2, Participation.For(new ParticipationSpec(4), 1, t, 5, faults)!);
        Assert.Equal(4, Participation.For(new ParticipationSpec(4), 1, 3, 5, faults)!.Count); // the four that are up
        Assert.Null(Participation.For(ParticipationSpec.All, 1, 3, 5, faults));
        Assert.Equal("per-round must be in 1..5 (the node count), got 6", new ParticipationSpec(6).Validate(5));
    }
}
