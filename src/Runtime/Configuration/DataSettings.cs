using SignActors.Training;
using Akka.Configuration;
using SignActors.Training.Data;
using SignActors.Training.Models;
using SignActors.Training.Objectives;

namespace SignActors.Runtime.Configuration;

/// <summary>`signactors.data`, read and validated once.</summary>
/// <param name="Validation">Fraction of the training records held out for validation (0 = none).</param>
/// <param name="Layout">How NumPy image arrays order their axes (source = npy).</param>
public sealed record DataSettings(string Source, string Directory, string CacheDirectory, SyntheticSpec Synthetic, CifarLabels Labels, PartitionSpec Partition, double Validation,
    ImageLayout Layout = ImageLayout.Nchw)
{
    public static IReadOnlyList<string> Sources { get; } = new[] { "synthetic", "cifar100", "idx", "npy" };

    /// <summary>A run without data (model name = objective): the stand-in records of <see cref="NoData"/>, dealt iid; `data` is not read.</summary>
    public static DataSettings None { get; } = new("none", "", "", new SyntheticSpec(0, 1, 1), CifarLabels.Fine, PartitionSpec.Iid, 0);

    public bool IsNone => Source == "none";

    public static DataSettings Read(Config root)
    {
        var c = new SettingsReader(root, "signactors.data");
        string source = c.OneOf("source", Sources);
        string directory = ExpandHome(c.String("directory"));
        if (source != "synthetic" && directory.Length == 0)
            throw new ConfigurationException(source switch
            {
                "cifar100" => "signactors.data.directory: set it to the folder holding train.bin and test.bin (source = cifar100)",
                "npy" => "signactors.data.directory: set it to the folder holding train_x.npy, train_y.npy, test_x.npy and test_y.npy, or to one .npz holding them (source = npy)",
                _ => "signactors.data.directory: set it to the folder holding the IDX files, e.g. /usr/share/datasets/fashion-mnist (source = idx)",
            });
        var synthetic = new SyntheticSpec((ulong)c.Long("synthetic.seed", 0), c.Int("synthetic.train-per-class"), c.Int("synthetic.test-per-class"));
        new SettingsReader(root, "signactors.data.synthetic").Check(synthetic.Validate());
        var labels = c.Enum("labels", Spellings.Labels);
        if (labels == CifarLabels.Coarse && source == "idx")
            throw new ConfigurationException("signactors.data.labels = coarse: only CIFAR-100 files (source = cifar100 or synthetic) have coarse labels");

        PartitionSpec partition = c.Enum("partition.kind", Spellings.Partition) switch
        {
            PartitionKind.Iid => PartitionSpec.Iid,
            PartitionKind.LabelSkew => PartitionSpec.LabelSkew(c.IntOrAuto("partition.classes-per-node", 0, 1)),
            PartitionKind.Shards => PartitionSpec.Shards(c.Int("partition.shards-per-node", 1, 1_000_000)),
            PartitionKind.Natural => PartitionSpec.Natural,
            _ => PartitionSpec.Dirichlet(c.Double("partition.alpha")),
        };
        if (partition.Kind == PartitionKind.Natural && source != "npy")
            throw new ConfigurationException($"signactors.data.partition.kind = natural: the client ids come from a NumPy data set's train_clients array (source = npy), not source = {source}");
        var layout = c.OneOf("layout", ["nchw", "nhwc"]) == "nhwc" ? ImageLayout.Nhwc : ImageLayout.Nchw;
        try { Partitioner.ValidateShape(partition); }
        catch (ArgumentException e) { throw RunConfig.Invalid("signactors.data.partition", e); }
        double validation = c.Double("validation", 0, 0.9);
        return new DataSettings(source, directory, ExpandHome(c.String("cache-directory")), synthetic, labels, partition, validation, layout);
    }

    /// <summary>
    /// The natural partition's node count: its distinct client ids, read from train_clients (at
    /// config time for <c>nodes = auto</c>, so expected-nodes, min-quorum and participation follow it).
    /// </summary>
    public int NaturalNodes() => NpyDataSet.CountClients(Directory);

    /// <summary>An explicit node count the natural partition does not give, as one line.</summary>
    public ConfigurationException NaturalNodesDiffer(int nodes, int clients) =>
        new($"signactors.nodes = {nodes}, but partition.kind = natural finds {clients} client ids in {Directory} (train_clients); set nodes = auto or {clients}");

    /// <summary>The train and test sets: real CIFAR-100 or IDX files, or the cached synthetic set.</summary>
    public (ImageSet Train, ImageSet Test) Load(Action<string> log)
    {
        if (IsNone) return NoData.Sets();
        if (Source == "idx") return IdxFile.ReadDirectory(Directory);
        if (Source == "npy") return NpyDataSet.Read(Directory, Layout);
        var (train, test) = Source == "cifar100" ? Cifar100File.ReadDirectory(Directory) : SyntheticCifar100.LoadOrCreate(Synthetic, CacheDirectory, log);
        var sets = (train.Images(Labels), test.Images(Labels));
        sets.Item1.CheckCompatible(sets.Item2);
        return sets;
    }

    /// <summary>
    /// Holds the validation records out of <paramref name="train"/>, then deals the rest to the nodes;
    /// a partition the data cannot satisfy (classes, records) is one line naming the setting.
    /// </summary>
    public Shard[] Deal(ImageSet train, int nodes, ulong seed)
    {
        var labels = train.Labels();
        Shard[] shards;
        var eligible = ValidationSplit.Hold(labels, Validation, seed).Training;
        try
        {
            shards = Partition.Kind == PartitionKind.Natural
                ? Partitioner.Natural(labels, NpyDataSet.ReadClients(Directory), eligible)
                : Partitioner.Assign(labels, nodes, Partition, seed, eligible);
        }
        catch (ArgumentException e) { throw RunConfig.Invalid("signactors.data.partition", e); }
        if (shards.Length != nodes) throw NaturalNodesDiffer(nodes, shards.Length);
        if (shards.FirstOrDefault(s => s.Records.Length == 0) is { } empty)
            throw new ConfigurationException($"signactors.data.partition: node {empty.Node} gets no training records; use fewer nodes or a less skewed partition");
        return shards;
    }

    public static string ExpandHome(string path) =>
        path == "~" || path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.Length > 2 ? path[2..] : "")
            : path;
}

/// <summary>`signactors.model`, read and validated once.</summary>
/// <param name="Script">The file of name = torchscript, read and hashed.</param>
/// <param name="Objective">The function of name = objective (a run without data).</param>
/// <param name="L2">λ of the L2 term λ/2·‖x‖² that is part of f.</param>
public sealed record ModelSettings(ModelKind Kind, string Device, int TorchThreads, int BatchSize, TorchScriptFile? Script = null, ObjectiveSpec? Objective = null, double L2 = 0)
{
    /// <param name="rounds">T, for a horizon-dependent batch (batch-t-exponent).</param>
    public static ModelSettings Read(Config root, long rounds = 1)
    {
        var c = new SettingsReader(root, "signactors.model");
        var kind = c.Enum("name", Spellings.Model);
        string device = c.String("device");
        try { ReplicaDevice.Validate(device); }
        catch (ArgumentException e) { throw RunConfig.Invalid("signactors.model.device", e); }
        int threads = c.Int("torch-threads", 1, 1024), batch = Training.Schedules.Horizon.Batch(c.Int("batch-size", 1, 65536), rounds, c.Double("batch-t-exponent"));
        if (batch > 65536) throw new ConfigurationException($"signactors.model.batch-size: batch-size·T^batch-t-exponent = {batch} for T = {rounds}, more than 65536");
        string file = DataSettings.ExpandHome(c.String("file"));
        if (kind == ModelKind.TorchScript && file.Length == 0)
            throw new ConfigurationException("signactors.model.file: set it to the TorchScript file (torch.jit.script(model).save(\"net.pt\")) that name = torchscript trains");
        if (kind != ModelKind.TorchScript && file.Length > 0)
            throw new ConfigurationException($"signactors.model.file = \"{file}\" is read only with name = torchscript, not name = {Spellings.Model.Of(kind)}");
        double l2 = c.Double("l2", 0);
        var objective = kind == ModelKind.Objective ? ReadObjective(root) : null;
        if (objective is not null && device != "cpu")
            throw new ConfigurationException($"signactors.model.device = \"{device}\": an objective is computed in closed form on the CPU; set device = cpu");
        if (objective is not null && l2 != 0)
            throw new ConfigurationException("signactors.model.l2: an objective's f is exactly as named; the L2 term is for models of data (logistic, the zoo, torchscript)");
        return new ModelSettings(kind, device, threads, batch, kind == ModelKind.TorchScript ? new TorchScriptFile(file) : null, objective, l2);
    }

    /// <summary>`model.objective` and `model.objective-settings { dimension, start, smoothness }`.</summary>
    static ObjectiveSpec ReadObjective(Config root)
    {
        var kind = new SettingsReader(root, "signactors.model").Enum("objective", Spellings.Objective);
        var o = new SettingsReader(root, "signactors.model.objective-settings");
        int d = o.Int("dimension", 1, 1 << 26);
        var spec = new ObjectiveSpec(kind, o.Doubles("start", d), o.Doubles("smoothness", d));
        o.Check(spec.Validate());
        return spec;
    }
}
