using System.Runtime.InteropServices;

namespace SignActors.Training.Data;

/// <summary>How a NumPy image array orders its axes: PyTorch's N×C×H×W or TensorFlow's N×H×W×C.</summary>
public enum ImageLayout { Nchw, Nhwc }

/// <summary>
/// A data set a user saved with NumPy: <c>train_x</c>, <c>train_y</c>, <c>test_x</c>, <c>test_y</c>
/// (and, for the natural partition, <c>train_clients</c>) as .npy files in a directory, or as the
/// entries of one .npz archive (the directory's only .npz, or the path itself). Images are uint8
/// (pixel bytes, as the other sources) or float32 (values as saved), shaped N×H×W (one channel) or
/// N×C×H×W / N×H×W×C by <see cref="ImageLayout"/>; labels and client ids any integer type, shaped
/// N or N×1. Channels, size and classes come from the arrays.
/// </summary>
public static class NpyDataSet
{
    public const string TrainImages = "train_x", TrainLabels = "train_y", TestImages = "test_x", TestLabels = "test_y", TrainClients = "train_clients";

    static readonly string[] Sets = [TrainImages, TrainLabels, TestImages, TestLabels];

    public static (ImageSet Train, ImageSet Test) Read(string location, ImageLayout layout)
    {
        var arrays = Arrays(location, Sets);
        var train = Images(arrays[TrainImages], arrays[TrainLabels], layout);
        var test = Images(arrays[TestImages], arrays[TestLabels], layout);
        train.CheckCompatible(test);
        return (train, test);
    }

    /// <summary>The client id of every training record (<c>train_clients</c>), for the natural partition.</summary>
    public static long[] ReadClients(string location)
    {
        var clients = Arrays(location, [TrainClients])[TrainClients];
        long n = Records(clients, "client ids");
        var ids = new long[n];
        for (long i = 0; i < n; i++) ids[i] = clients.Integer(i);
        return ids;
    }

    /// <summary>
    /// The distinct client ids of <c>train_clients</c>, the natural partition's node count; read once
    /// per file version (a config is read by every run of an experiment's plan).
    /// </summary>
    public static int CountClients(string location)
    {
        var stamp = Stamp(location);
        lock (Counts)
        {
            if (Counts.TryGetValue(stamp, out int known)) return known;
            return Counts[stamp] = Partitioner.NaturalNodes(ReadClients(location));
        }
    }

    static readonly Dictionary<(string, DateTime, long), int> Counts = new();

    static (string, DateTime, long) Stamp(string location)
    {
        string file = File.Exists(location) ? location : Path.Combine(location, TrainClients + ".npy");
        if (!File.Exists(file) && Directory.Exists(location)) file = Archive(location) ?? file;
        var info = new FileInfo(file);
        return info.Exists ? (info.FullName, info.LastWriteTimeUtc, info.Length) : (file, default, -1);
    }

    /// <summary>Images and labels of one set, planar whatever the layout (N×H×W×C arrays are reordered once here).</summary>
    public static ImageSet Images(NpyArray x, NpyArray y, ImageLayout layout)
    {
        var shape = x.Shape.Length switch
        {
            3 => new ImageShape(1, x.Shape[1], x.Shape[2]),
            4 when layout == ImageLayout.Nchw => new ImageShape(x.Shape[1], x.Shape[2], x.Shape[3]),
            4 => new ImageShape(x.Shape[3], x.Shape[1], x.Shape[2]),
            _ => throw new DataFileException($"{x.Source}: shape ({string.Join(", ", x.Shape)}) is not N×H×W or N×C×H×W / N×H×W×C images"),
        };
        long count = Records(y, "labels");
        if (x.Shape[0] != count) throw new DataFileException($"{y.Source}: holds {count:N0} labels, {x.Source} {x.Shape[0]:N0} images");
        var labels = new int[count];
        for (long i = 0; i < count; i++)
        {
            long label = y.Integer(i);
            labels[i] = label is >= 0 and <= ImageSet.MaxLabel ? (int)label : throw new DataFileException($"{y.Source}: label {label} at record {i:N0} is outside 0..{ImageSet.MaxLabel}");
        }
        bool reorder = x.Shape.Length == 4 && layout == ImageLayout.Nhwc && shape.Channels > 1;
        return x.Type switch
        {
            NpyType.UInt8 => new ImageSet(x.Source, shape, reorder ? Planar<byte>(x.Data, shape) : x.Data, labels),
            NpyType.Float32 => new ImageSet(x.Source, shape, Planar<float>(x.Data, shape, reorder), labels),
            _ => throw new DataFileException($"{x.Source}: images are {x.Type}; save them as uint8 pixels or float32 values (array.astype('float32'))"),
        };
    }

    /// <summary>N×H×W×C elements as N×C×H×W (or a copy as they are, when <paramref name="reorder"/> is false).</summary>
    static T[] Planar<T>(byte[] data, ImageShape shape, bool reorder = true) where T : unmanaged
    {
        var source = MemoryMarshal.Cast<byte, T>(data);
        if (!reorder) return source.ToArray();
        var planar = new T[source.Length];
        int channels = shape.Channels, plane = shape.PlaneBytes, image = shape.Bytes;
        for (int start = 0; start < source.Length; start += image)
            for (int p = 0; p < plane; p++)
                for (int c = 0; c < channels; c++)
                    planar[start + c * plane + p] = source[start + p * channels + c];
        return planar;
    }

    static long Records(NpyArray a, string what) => a.Shape switch
    {
        [var n] => n,
        [var n, 1] => n,
        _ => throw new DataFileException($"{a.Source}: shape ({string.Join(", ", a.Shape)}) is not one column of {what}"),
    };

    /// <summary>The named arrays at <paramref name="location"/>: .npy files in a directory, or one .npz.</summary>
    static IReadOnlyDictionary<string, NpyArray> Arrays(string location, IReadOnlyCollection<string> names)
    {
        if (File.Exists(location)) return FromArchive(location, names);
        if (!Directory.Exists(location))
            throw new DataFileException($"{location}: data directory not found (it should hold {string.Join(", ", names.Select(n => n + ".npy"))}, or one .npz with those arrays)");
        if (names.All(n => File.Exists(Path.Combine(location, n + ".npy"))))
            return names.ToDictionary(n => n, n => NpyFile.Read(Path.Combine(location, n + ".npy")));
        return Archive(location) is { } archive
            ? FromArchive(archive, names)
            : throw new DataFileException($"{location}: holds neither {string.Join(", ", names.Where(n => !File.Exists(Path.Combine(location, n + ".npy"))).Select(n => n + ".npy"))} nor one .npz archive with those arrays");
    }

    static IReadOnlyDictionary<string, NpyArray> FromArchive(string path, IReadOnlyCollection<string> names)
    {
        var arrays = NpyFile.ReadArchive(path, names);
        var missing = names.Where(n => !arrays.ContainsKey(n)).ToArray();
        return missing.Length == 0 ? arrays : throw new DataFileException($"{path}: has no {string.Join(", ", missing)} array (it holds {(arrays.Count == 0 ? "none of them" : string.Join(", ", arrays.Keys))})");
    }

    /// <summary>The directory's one .npz file; null when it has none; two or more are ambiguous.</summary>
    static string? Archive(string directory)
    {
        var archives = Directory.GetFiles(directory, "*.npz").Order(StringComparer.Ordinal).ToArray();
        return archives.Length switch
        {
            0 => null,
            1 => archives[0],
            _ => throw new DataFileException($"{directory}: holds {archives.Length} .npz archives ({string.Join(", ", archives.Select(Path.GetFileName))}); point data.directory at one of them"),
        };
    }
}
