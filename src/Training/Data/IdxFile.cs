using System.Buffers.Binary;
using System.IO.Compression;

namespace SignActors.Training.Data;

/// <summary>
/// The MNIST family's IDX files (MNIST, Fashion-MNIST, KMNIST, EMNIST): <c>train-images-idx3-ubyte</c>,
/// <c>train-labels-idx1-ubyte</c>, <c>t10k-images-idx3-ubyte</c>, <c>t10k-labels-idx1-ubyte</c>, each raw
/// or gzip-compressed (<c>.gz</c>). A file is a 4-byte magic (0, 0, type 0x08 = unsigned byte,
/// number of dimensions), the dimensions as big-endian int32, then the bytes: images are N × H × W
/// (one channel), labels N. A file is read whole into one buffer and checked before use.
/// </summary>
public static class IdxFile
{
    public const string TrainImages = "train-images-idx3-ubyte", TrainLabels = "train-labels-idx1-ubyte";
    public const string TestImages = "t10k-images-idx3-ubyte", TestLabels = "t10k-labels-idx1-ubyte";
    const byte UnsignedByte = 0x08;

    /// <summary>The training and test sets of an IDX directory.</summary>
    public static (ImageSet Train, ImageSet Test) ReadDirectory(string directory)
    {
        if (!Directory.Exists(directory)) throw new DataFileException($"{directory}: data directory not found (it should hold {TrainImages}[.gz], {TrainLabels}[.gz], {TestImages}[.gz] and {TestLabels}[.gz])");
        var train = Read(Find(directory, TrainImages), Find(directory, TrainLabels));
        var test = Read(Find(directory, TestImages), Find(directory, TestLabels));
        train.CheckCompatible(test);
        return (train, test);
    }

    /// <summary>One image file and its label file as a set.</summary>
    public static ImageSet Read(string imagesPath, string labelsPath)
    {
        var (images, imageDims) = ReadFile(imagesPath, 3);
        var (labels, labelDims) = ReadFile(labelsPath, 1);
        if (imageDims[0] != labelDims[0])
            throw new DataFileException($"{labelsPath}: holds {labelDims[0]:N0} labels, {imagesPath} {imageDims[0]:N0} images");
        int header = HeaderBytes(3);
        return new ImageSet(imagesPath, new ImageShape(1, imageDims[1], imageDims[2]), imageDims[0],
            images, header, imageDims[1] * imageDims[2], labels, HeaderBytes(1), 1);
    }

    /// <summary>The file with its dimensions checked against its size; gzip streams are decompressed into one exact-size buffer.</summary>
    static (byte[] Bytes, int[] Dimensions) ReadFile(string path, int dimensions)
    {
        try
        {
            using var file = File.OpenRead(path);
            bool gzip = path.EndsWith(".gz", StringComparison.Ordinal);
            using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
            int headerBytes = HeaderBytes(dimensions);
            var header = new byte[headerBytes];
            int got = stream.ReadAtLeast(header, headerBytes, throwOnEndOfStream: false);
            if (got < 4) throw new DataFileException($"{path}: {got} bytes is too short for an IDX file");
            if (header[0] != 0 || header[1] != 0 || header[2] != UnsignedByte || header[3] != dimensions)
                throw new DataFileException($"{path}: bad magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(header):X8} (expected 0x{UnsignedByte << 8 | dimensions:X8}: unsigned bytes in {dimensions} dimension(s))");
            if (got < headerBytes) throw new DataFileException($"{path}: truncated in its header ({got} of {headerBytes} bytes)");
            var dims = new int[dimensions];
            long body = 1;
            for (int i = 0; i < dimensions; i++)
            {
                dims[i] = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4 + 4 * i));
                if (dims[i] < 1) throw new DataFileException($"{path}: dimension {i} is {dims[i]}");
                body *= dims[i];
            }
            if (headerBytes + body > Array.MaxLength) throw new DataFileException($"{path}: {string.Join(" × ", dims)} bytes is more than one buffer holds");
            if (!gzip && file.Length != headerBytes + body)
                throw new DataFileException($"{path}: header says {string.Join(" × ", dims)} = {body:N0} data bytes, the file holds {file.Length - headerBytes:N0}");
            var bytes = new byte[headerBytes + body];
            header.CopyTo(bytes, 0);
            int read = stream.ReadAtLeast(bytes.AsSpan(headerBytes), (int)body, throwOnEndOfStream: false);
            if (read < body) throw new DataFileException($"{path}: truncated gzip stream: header says {string.Join(" × ", dims)} = {body:N0} data bytes, the stream ends after {read:N0}");
            if (stream.ReadByte() >= 0) throw new DataFileException($"{path}: more data than its header's {string.Join(" × ", dims)} = {body:N0} bytes");
            return (bytes, dims);
        }
        catch (FileNotFoundException) { throw new DataFileException($"{path}: file not found"); }
        catch (DirectoryNotFoundException) { throw new DataFileException($"{path}: file not found (no such directory)"); }
        catch (InvalidDataException e) { throw new DataFileException($"{path}: not a valid gzip stream ({e.Message})"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new DataFileException($"{path}: cannot read ({e.Message})", e); }
    }

    static int HeaderBytes(int dimensions) => 4 + 4 * dimensions;

    /// <summary>The raw file if present, else its .gz; a missing file names both.</summary>
    static string Find(string directory, string name)
    {
        string raw = Path.Combine(directory, name), gz = raw + ".gz";
        if (File.Exists(raw)) return raw;
        if (File.Exists(gz)) return gz;
        throw new DataFileException($"{raw}[.gz]: file not found");
    }

    /// <summary>Writes a set as IDX files (tests, conversions): raw, or gzip when the path ends in .gz.</summary>
    public static void Write(string imagesPath, string labelsPath, ImageSet set)
    {
        if (set.Shape.Channels != 1) throw new ArgumentException($"IDX images have one channel, the set has {set.Shape.Channels}", nameof(set));
        WriteFile(imagesPath, new[] { set.Count, set.Shape.Height, set.Shape.Width }, body =>
        {
            for (int i = 0; i < set.Count; i++) body.Write(set.Pixels(i));
        });
        WriteFile(labelsPath, new[] { set.Count }, body =>
        {
            for (int i = 0; i < set.Count; i++) body.WriteByte((byte)set.Label(i));
        });
    }

    static void WriteFile(string path, int[] dims, Action<Stream> body)
    {
        using var file = File.Create(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionLevel.Fastest) : file;
        var header = new byte[HeaderBytes(dims.Length)];
        header[2] = UnsignedByte;
        header[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), dims[i]);
        stream.Write(header);
        body(stream);
    }
}
