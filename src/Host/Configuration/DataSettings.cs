using Akka.Configuration;
using SignActors.Training.Data;
using SignActors.Training.Models;

namespace SignActors.Host.Configuration;

/// <summary>`signactors.data`, read and validated once.</summary>
public sealed record DataSettings(string Source, string Directory, string CacheDirectory, SyntheticSpec Synthetic, PartitionSpec Partition)
{
    public static DataSettings Read(Config root, int nodes)
    {
        var c = new SettingsReader(root, "signactors.data");
        string source = c.String("source");
        if (source is not ("synthetic" or "cifar100"))
            throw new ConfigurationException($"signactors.data.source: '{source}' is not one of synthetic, cifar100");
        string directory = ExpandHome(c.String("directory"));
        if (source == "cifar100" && directory.Length == 0)
            throw new ConfigurationException("signactors.data.directory: set it to the folder holding train.bin and test.bin (source = cifar100)");
        var synthetic = new SyntheticSpec((ulong)c.Long("synthetic.seed", 0), c.Int("synthetic.train-per-class"), c.Int("synthetic.test-per-class"));
        try { synthetic.Validate(); }
        catch (ArgumentException e) { throw RunConfig.Invalid("signactors.data.synthetic", e); }

        string kind = c.String("partition.kind");
        PartitionSpec partition = kind switch
        {
            "iid" => PartitionSpec.Iid,
            "label-skew" => PartitionSpec.LabelSkew(c.IntOrAuto("partition.classes-per-node", (Cifar100Set.FineClasses + nodes - 1) / nodes, int.MinValue)),
            "dirichlet" => PartitionSpec.Dirichlet(c.Double("partition.alpha")),
            _ => throw new ConfigurationException($"signactors.data.partition.kind: '{kind}' is not one of {string.Join(", ", PartitionSpec.Names)}"),
        };
        try { Partitioner.Validate(partition, Cifar100Set.FineClasses, nodes); }
        catch (ArgumentException e) { throw RunConfig.Invalid("signactors.data.partition", e); }
        return new DataSettings(source, directory, ExpandHome(c.String("cache-directory")), synthetic, partition);
    }

    /// <summary>The train and test sets: the real files, or the cached synthetic set.</summary>
    public (Cifar100Set Train, Cifar100Set Test) Load(Action<string> log) => Source == "cifar100"
        ? Cifar100File.ReadDirectory(Directory)
        : SyntheticCifar100.LoadOrCreate(Synthetic, CacheDirectory, log);

    public static string ExpandHome(string path) =>
        path == "~" || path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.Length > 2 ? path[2..] : "")
            : path;
}

/// <summary>`signactors.model`, read and validated once.</summary>
public sealed record ModelSettings(ModelKind Kind, string Device, int TorchThreads, int BatchSize)
{
    public static ModelSettings Read(Config root)
    {
        var c = new SettingsReader(root, "signactors.model");
        ModelKind kind;
        try { kind = ModelZoo.Parse(c.String("name")); }
        catch (ArgumentException e) { throw RunConfig.Invalid("signactors.model.name", e); }
        string device = c.String("device");
        try { ReplicaDevice.Validate(device); }
        catch (ArgumentException e) { throw RunConfig.Invalid("signactors.model.device", e); }
        int threads = c.Int("torch-threads", 1, 1024), batch = c.Int("batch-size", 1, 65536);
        return new ModelSettings(kind, device, threads, batch);
    }
}
