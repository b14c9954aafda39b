using System.Numerics;
using Google.Protobuf;
using Tensorboard;

namespace SignActors.Server.Metrics;

/// <summary>
/// A run's TensorBoard event file (<c>events.out.tfevents.*</c> in the run directory): each
/// metrics.csv column as a scalar tagged <c>group/column</c> at step = round, with the round's
/// wall-clock time, flushed at every round so <c>tensorboard --logdir</c> follows a run live.
/// TensorBoard's record framing: length (u64), its masked CRC-32C, the Event proto, its masked
/// CRC-32C. TorchSharp's SummaryWriter writes the same records but with a float wall time (128 s
/// steps today) and one file open per scalar; this writer keeps the file open and the time exact.
/// </summary>
public sealed class TensorBoardEvents : IRoundSink, IDisposable
{
    static int _files;
    readonly FileStream _file;

    /// <param name="resumedAfter">A resumed run: TensorBoard drops the earlier file's points past this round (a SessionLog START at the next step).</param>
    public TensorBoardEvents(string directory, long? resumedAfter = null)
    {
        Path = System.IO.Path.Combine(directory, $"events.out.tfevents.{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}.{Environment.MachineName}.{Environment.ProcessId}.{Interlocked.Increment(ref _files)}");
        _file = new FileStream(Path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        Append(new Event { WallTime = Now(), FileVersion = "brain.Event:2" });
        if (resumedAfter is { } round)
            Append(new Event { WallTime = Now(), Step = round + 1, SessionLog = new SessionLog { Status = SessionLog.Types.SessionStatus.Start } });
        _file.Flush();
    }

    public string Path { get; }

    /// <summary>The tag of a metrics.csv column: grouped as TensorBoard's dashboard shows them.</summary>
    public static string Tag(string column) => column switch
    {
        "train_loss" or "lr" or "agreement" => "train/" + column,
        "test_loss" or "test_accuracy" or "val_loss" or "val_accuracy" or "grad_l1" or "grad_l2" => "eval/" + column,
        "bits_up" or "bits_down" => "wire/" + column,
        _ when RoundMetrics.TimingColumns.Contains(column) => "time/" + column,
        _ => "nodes/" + column,
    };

    public void Write(RoundMetrics row)
    {
        var summary = new Summary();
        foreach (var (column, value) in row.Values())
            summary.Value.Add(new Summary.Types.Value { Tag = Tag(column), SimpleValue = (float)value });
        Append(new Event { WallTime = Now(), Step = row.Round, Summary = summary });
        _file.Flush();
    }

    void Append(Event e)
    {
        byte[] body = e.ToByteArray();
        Span<byte> head = stackalloc byte[12];
        BitConverter.TryWriteBytes(head[..8], (ulong)body.Length);
        BitConverter.TryWriteBytes(head[8..], MaskedCrc(head[..8]));
        _file.Write(head);
        _file.Write(body);
        Span<byte> foot = stackalloc byte[4];
        BitConverter.TryWriteBytes(foot, MaskedCrc(body));
        _file.Write(foot);
    }

    /// <summary>TFRecord's checksum: CRC-32C (Castagnoli), rotated right by 15 bits plus 0xa282ead8.</summary>
    public static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        uint crc = Crc32C(data);
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
    }

    /// <summary>CRC-32C of <paramref name="data"/> (the SSE4.2 / ARMv8 instruction where there is one).</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = ~0u;
        foreach (byte b in data) crc = BitOperations.Crc32C(crc, b);
        return ~crc;
    }

    static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    public void Dispose() => _file.Dispose();
}
