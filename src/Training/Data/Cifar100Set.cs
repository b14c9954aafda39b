namespace SignActors.Training.Data;

/// <summary>
/// CIFAR-100 records held as they are on disk, in one contiguous buffer: record i is bytes
/// [3074 i, 3074 (i+1)) — coarse label, fine label, then 1,024 R, 1,024 G, 1,024 B bytes of a
/// 32×32 image, row-major. Labels are validated once when the set is made.
/// </summary>
public sealed class Cifar100Set
{
    public const int Side = 32;
    public const int Channels = 3;
    public const int PlaneBytes = Side * Side;
    public const int ImageBytes = Channels * PlaneBytes;
    public const int RecordBytes = 2 + ImageBytes;
    public const int FineClasses = 100;
    public const int CoarseClasses = 20;

    readonly byte[] _records;

    Cifar100Set(byte[] records, int count, string source)
    {
        _records = records;
        Count = count;
        Source = source;
    }

    /// <summary>
    /// Wraps whole records (no copy), after checking the length and every label; the message of
    /// a <see cref="DataFileException"/> names <paramref name="source"/> and the first problem.
    /// </summary>
    public static Cifar100Set FromRecords(byte[] records, string source)
    {
        if (records.Length == 0) throw new DataFileException($"{source}: holds no records");
        if (records.Length % RecordBytes != 0)
            throw new DataFileException($"{source}: {records.Length:N0} bytes is not a whole number of {RecordBytes:N0}-byte CIFAR-100 records " +
                $"({records.Length / RecordBytes:N0} records and {records.Length % RecordBytes:N0} bytes over: truncated, or not CIFAR-100 binary)");
        int count = records.Length / RecordBytes;
        for (int i = 0; i < count; i++)
        {
            int coarse = records[i * RecordBytes], fine = records[i * RecordBytes + 1];
            if (coarse >= CoarseClasses) throw new DataFileException($"{source}: record {i} has coarse label {coarse} (must be < {CoarseClasses})");
            if (fine >= FineClasses) throw new DataFileException($"{source}: record {i} has fine label {fine} (must be < {FineClasses})");
        }
        return new Cifar100Set(records, count, source);
    }

    /// <summary>Number of records.</summary>
    public int Count { get; }

    /// <summary>Where the records came from (a file path, or a description), for messages and logs.</summary>
    public string Source { get; }

    /// <summary>The records exactly as the binary format stores them.</summary>
    public ReadOnlySpan<byte> Bytes => _records;

    public int CoarseLabel(int i) => _records[Offset(i)];
    public int FineLabel(int i) => _records[Offset(i) + 1];

    /// <summary>3,072 pixel bytes: the R, G and B planes of record i.</summary>
    public ReadOnlySpan<byte> Pixels(int i) => _records.AsSpan(Offset(i) + 2, ImageBytes);

    /// <summary>The records as labelled 3×32×32 images (no copy), with fine (100) or coarse (20) labels.</summary>
    public ImageSet Images(CifarLabels labels = CifarLabels.Fine) =>
        new(labels == CifarLabels.Fine ? Source : $"{Source} (coarse labels)", ImageShape.Cifar, Count,
            _records, 2, RecordBytes, _records, labels == CifarLabels.Fine ? 1 : 0, RecordBytes);

    int Offset(int i)
    {
        if ((uint)i >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(i), $"record {i} outside [0, {Count}) of {Source}");
        return i * RecordBytes;
    }
}

/// <summary>Which of a CIFAR-100 record's two labels a run trains on.</summary>
public enum CifarLabels { Fine, Coarse }

/// <summary>A data file or directory that cannot be used; the message is one line naming it and what is wrong.</summary>
public sealed class DataFileException(string message, Exception? inner = null) : Exception(message, inner);
