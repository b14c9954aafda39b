using SignActors.Runtime.Configuration;
using SignActors.Training.Data;
using Xunit;
using static SignActors.Tests.Data.NpyBytes;

namespace SignActors.Tests.Host;

/// <summary>
/// A NumPy data set with its own clients, run through `signactors run`: three client ids give
/// three nodes, each holding exactly its client's records.
/// </summary>
[Collection("host-runs")]
public sealed class NaturalPartitionRunTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("signactors-natural-").FullName;

    static readonly long[] ClientIds = TinyClients;

    public NaturalPartitionRunTests() => WriteTinySet(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    string Config(string nodes, string extra = "")
    {
        string path = Path.Combine(_directory, $"run-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, $"signactors {{ nodes = {nodes}, rounds = 2, model.name = mlp, evaluation.probe-records = 12, output.directory = \"{_directory}/runs\" }}\n"
            + $"signactors.data {{ source = npy, directory = \"{_directory}\", validation = 0.25, partition.kind = natural }}\n" + extra);
        return path;
    }

    [Fact]
    public void Nodes_auto_takes_the_client_count_and_each_node_holds_its_clients_records()
    {
        var settings = RunSettings.Read(RunConfig.Load(Config("auto", "signactors.participation.per-round = 2")));
        Assert.Equal(3, settings.Contract.Nodes);
        Assert.Equal(3, settings.Options.ExpectedNodes);
        Assert.Equal(2, settings.Contract.Participation.PerRound);
        var (train, _) = settings.Data.Load(_ => { });
        var shards = settings.Data.Deal(train, 3, settings.Contract.Seed);
        var held = ValidationSplit.Hold(train.Labels(), 0.25, settings.Contract.Seed);
        long[] ascending = [10, 20, 30];
        for (int node = 0; node < 3; node++)
            Assert.Equal(held.Training.Where(r => ClientIds[r] == ascending[node]).Order(), shards[node].Records);
        Assert.Equal(27, shards.Sum(s => s.Records.Length)); // 36 less the 9 held out, 3 per class
        var deadline = RunSettings.Read(RunConfig.Load(Config("auto", "signactors.round-policy = deadline"))).Contract.RoundPolicy;
        Assert.Equal(2, deadline.MinQuorum); // auto = ⌈3 / 2⌉ of the resolved count

        var (code, output, error) = CommandTests.Run("run", Config("auto"));
        Assert.True(code == 0, output + error);
        Assert.Contains("for n = 3", output);
        Assert.Contains("partition natural over 3 classes:", output);
        Assert.Contains("done: 2 rounds completed; all 3 replicas bit-identical to the server after every round", output);
    }

    [Fact]
    public void A_node_count_the_clients_do_not_give_is_one_line_and_exit_2()
    {
        var (code, _, error) = CommandTests.Run("run", Config("5"));
        Assert.Equal(2, code);
        Assert.Equal($"signactors: signactors.nodes = 5, but partition.kind = natural finds 3 client ids in {_directory} (train_clients); set nodes = auto or 3", error.Trim());

        string other = Config("auto");
        File.AppendAllText(other, "signactors.data.partition.kind = iid\n");
        (code, _, error) = CommandTests.Run("run", other);
        Assert.Equal(2, code);
        Assert.Equal("signactors: signactors.nodes = auto: only partition.kind = natural takes the node count from the data (its client ids); partition iid needs a number", error.Trim());

        File.AppendAllText(other, "signactors.data.partition.kind = natural, signactors.data.source = idx\n");
        (code, _, error) = CommandTests.Run("run", other);
        Assert.Equal(2, code);
        Assert.Equal("signactors: signactors.data.partition.kind = natural: the client ids come from a NumPy data set's train_clients array (source = npy), not source = idx", error.Trim());
    }
}
