using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SignActors.Runtime.Configuration;

/// <summary>
/// What makes two runs the same run, for checkpoints: seed, nodes, rounds, algorithm, schedule,
/// model (a TorchScript file's SHA-256), batch, torch threads, data (source, labels, validation split), partition, faults, round policy and participation — not output, logging,
/// evaluation or thread-pool settings, which never change the parameters.
/// </summary>
public static class RunFingerprint
{
    public static string Of(RunSettings settings)
    {
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture; // records format their doubles with the current culture
        try
        {
            var s = settings.Contract;
            var faults = string.Join(";", s.FaultPlan.Nodes.OrderBy(n => n.Key).Select(n => $"{n.Key}:{n.Value}"));
            string text = string.Join("|", s.Seed, s.Nodes, s.Rounds, settings.Options.ExpectedNodes ?? s.Nodes, s.Algorithm, s.Schedule, Model(s), s.Device, s.BatchSize,
                s.TorchThreads, Source(settings.Data), settings.Data.Directory, settings.Data.Synthetic, settings.Data.Labels, settings.Data.Validation, settings.Data.Partition,
                s.RoundPolicy, faults, s.FaultPlan.OmniscientSample, s.FaultPlan.AlieZ, s.FaultPlan.IpmEpsilon, s.Participation);
            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        }
        finally { CultureInfo.CurrentCulture = culture; }
    }

    /// <summary>
    /// The model kind, with a TorchScript file's SHA-256 (not its path: the same bytes elsewhere are
    /// the same run), an objective's function and constants, and an L2 term when there is one (as
    /// before for the others, so their checkpoints still resume).
    /// </summary>
    static string Model(Training.Runs.RunContract s) =>
        (s.Script is { } file ? $"{s.Model}({file.Sha256})" : s.Objective is { } f ? $"{s.Model}({f.Identity()})" : s.Model.ToString())
        + (s.L2 != 0 ? $"+l2({s.L2:R})" : "");

    /// <summary>The data source, with what else reads it differently (npy's axis order); as before for the others, so their checkpoints still resume.</summary>
    static string Source(DataSettings data) => data.Source == "npy" ? $"npy({data.Layout})" : data.Source;
}
