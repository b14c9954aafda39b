using SignActors.Training.Faults;
using SignActors.Training.Runs;
using Xunit;

namespace SignActors.Tests.Host;

/// <summary>
/// A run whose absences are all the experiment's own — a configured crash, client sampling, a
/// deadline — says `participation: as planned`, and participation.csv counts each node's rounds
/// as the config implies.
/// </summary>
[Collection("host-runs")]
public class ParticipationRunTests
{
    [Fact]
    public void A_crash_sampling_and_a_deadline_are_as_planned_and_counted_per_node()
    {
        string root = Path.Combine(Path.GetTempPath(), $"signactors-participation-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        string config = Path.Combine(root, "run.conf");
        const int nodes = 4, rounds = 20, perRound = 3;
        File.WriteAllText(config, $$"""
            signactors {
              nodes = {{nodes}}
              rounds = {{rounds}}
              participation.per-round = {{perRound}}
              round-policy = deadline
              deadline { round-ms = 20000, min-quorum = 1, max-extensions = 0 }
              faults.crashes = [ { nodes = [1], at-round = 5, for-rounds = 4 } ]
              evaluation { every = 0, probe-records = 50 }
              model { name = mlp, batch-size = 8 }
              data { cache-directory = "{{Path.Combine(Path.GetTempPath(), "signactors-test-cache")}}", synthetic { train-per-class = 3, test-per-class = 1 } }
              output { directory = "{{root}}", name = run }
            }
            """);
        var (code, output, error) = CommandTests.Run("run", config);
        Assert.True(code == 0, output + error);
        string run = Path.Combine(root, "run");
        Assert.Equal("participation: as planned", File.ReadAllLines(Path.Combine(run, "outcome.txt"))[4]);
        Assert.DoesNotContain("participation: degraded", output);

        // From the config: node 1 is down in rounds 5–8; each round draws 3 of the nodes that are up.
        var rows = File.ReadAllLines(Path.Combine(run, "participation.csv"));
        Assert.Equal("node,present,byzantine,crashed,not_drawn,deadline_missed,host_lost,never_registered,vote_dropped,rejoining", rows[0]);
        for (int j = 0; j < nodes; j++)
        {
            long crashed = j == 1 ? 4 : 0;
            long notDrawn = 0;
            for (long t = 1; t <= rounds; t++)
            {
                if (j == 1 && t is >= 5 and <= 8) continue;
                var up = Enumerable.Range(0, nodes).Where(k => !(k == 1 && t is >= 5 and <= 8)).ToArray();
                if (!Participation.Draw(1, t, up, perRound).Contains(j)) notDrawn++;
            }
            Assert.Equal($"{j},{rounds - crashed - notDrawn},0,{crashed},{notDrawn},0,0,0,0,0", rows[j + 1]);
        }
        Directory.Delete(root, recursive: true);
    }
}
