using Akka.Configuration;
using SignActors.Runtime.Configuration;
using SignActors.Training.Faults;
using Xunit;

namespace SignActors.Tests.Training;

/// <summary>A fault entry's random = k: k distinct nodes, uniform over the nodes across seeds, fixed for a seed, each entry its own draw.</summary>
public class RandomFaultNodesTests
{
    static FaultPlan Plan(ulong seed, string faults) =>
        RunSettings.Read(ConfigurationFactory.ParseString($"signactors {{ seed = {seed}, nodes = 8, model.name = mlp\n faults {{ {faults} }} }}").WithFallback(RunConfig.Reference)).Contract.FaultPlan;

    static int[] Attackers(FaultPlan plan) => plan.Nodes.Where(n => n.Value.Attack is not null).Select(n => n.Key).Order().ToArray();

    [Fact]
    public void Each_seed_draws_its_own_k_attackers_and_every_node_is_drawn_equally_often()
    {
        const string Faults = "byzantine = [ { random = 3, attack = sign-flip } ]";
        Assert.Equal(Attackers(Plan(5, Faults)), Attackers(Plan(5, Faults)));
        var counts = new int[8];
        var sets = new HashSet<string>();
        for (ulong seed = 0; seed < 400; seed++)
        {
            var attackers = Attackers(Plan(seed, Faults));
            Assert.Equal(3, attackers.Length);
            foreach (int j in attackers) counts[j]++;
            sets.Add(string.Join(",", attackers));
        }
        // Each node: Binomial(400, 3/8), mean 150, sd 9.7; and most of the C(8,3) = 56 sets appear.
        Assert.All(counts, c => Assert.InRange(c, 150 - 5 * 9.7, 150 + 5 * 9.7));
        Assert.True(sets.Count >= 50, $"{sets.Count} distinct attacker sets in 400 seeds");
    }

    [Fact]
    public void Two_random_entries_draw_independently_and_k_zero_or_n_are_the_obvious_sets()
    {
        var plan = Plan(9, "byzantine = [ { random = 4, attack = sign-flip } ]\n crashes = [ { random = 4, at-round = 2, for-rounds = 1 } ]");
        var crashed = plan.Nodes.Where(n => n.Value.Crash is not null).Select(n => n.Key).Order().ToArray();
        Assert.Equal(4, crashed.Length);
        int same = 0;
        for (ulong seed = 0; seed < 50; seed++)
        {
            var p = Plan(seed, "byzantine = [ { random = 4, attack = sign-flip } ]\n crashes = [ { random = 4, at-round = 2, for-rounds = 1 } ]");
            if (Attackers(p).SequenceEqual(p.Nodes.Where(n => n.Value.Crash is not null).Select(n => n.Key).Order())) same++;
        }
        Assert.True(same <= 5, $"the two entries drew the same set on {same} of 50 seeds (1/70 expected)");
        Assert.Empty(Attackers(Plan(1, "byzantine = [ { random = 0, attack = sign-flip } ]")));
        Assert.Equal(Enumerable.Range(0, 8), Attackers(Plan(1, "byzantine = [ { random = 8, attack = sign-flip } ]")));
    }
}
