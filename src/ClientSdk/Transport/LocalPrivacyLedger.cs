using System.Text.Json;
using PrivateFl.Crypto.Privacy;

namespace PrivateFl.ClientSdk.Transport;

/// <summary>
/// The bank's own record of the privacy it has spent in a session, kept in a file so that it survives restarts.
/// The SDK consults it before every round and refuses a round that would overspend its budget, whatever the
/// server says, because it does not trust the server.
/// </summary>
internal sealed class LocalPrivacyLedger
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly string _path;
    private readonly List<Entry> _entries;
    private readonly Lock _gate = new();

    public LocalPrivacyLedger(string directory, string sessionId)
    {
        Directory.CreateDirectory(directory);
        _path = Path.Combine(directory, $"{Sanitise(sessionId)}.privacy-ledger.json");
        _entries = File.Exists(_path) ? JsonSerializer.Deserialize<List<Entry>>(File.ReadAllText(_path), Json) ?? [] : [];
    }

    public IReadOnlyList<Entry> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>
    /// ε at <paramref name="delta"/> over the recorded rounds, plus <paramref name="next"/> if given, by the accountant the
    /// server's budget also uses (<see cref="DdgAccountant"/>).
    /// </summary>
    public double EpsilonWith(DdgRound? next, double delta)
    {
        lock (_gate)
        {
            var rounds = _entries.Select(e => e.Round).ToList();
            if (next is { } round)
            {
                rounds.Add(round);
            }

            return DdgAccountant.Epsilon(rounds, delta);
        }
    }

    /// <summary>Records a round before the bank's update leaves it; written atomically (temp file, then rename).</summary>
    public void Record(Entry entry)
    {
        lock (_gate)
        {
            _entries.Add(entry);
            string temporary = _path + ".tmp";
            OwnerOnlyFile.WriteAllText(temporary, JsonSerializer.Serialize(_entries, Json));
            File.Move(temporary, _path, overwrite: true);
        }
    }

    private static string Sanitise(string sessionId) =>
        string.Concat(sessionId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));

    /// <summary>One round this bank's data took part in.</summary>
    /// <remarks>
    /// Tau, Dimension and L1ToL2Ratio were added with the distributed-discrete-Gaussian accountant; a ledger written
    /// before has none and its rounds are accounted with τ = 0, which moves no digit at σ_client ≥ 4.
    /// </remarks>
    public sealed record Entry(long RoundNumber, double SamplingRate, double NoiseMultiplier, double Delta, long RecordedUnixMs, double Tau = 0, int Dimension = 0, double L1ToL2Ratio = 1)
    {
        /// <summary>The round as the accountant takes it.</summary>
        [System.Text.Json.Serialization.JsonIgnore]
        public DdgRound Round => new(SamplingRate, NoiseMultiplier, new DdgDiscreteness(Tau, Dimension, L1ToL2Ratio));

        /// <summary>An entry for an accounted round.</summary>
        public static Entry For(long roundNumber, DdgRound round, double delta, long recordedUnixMs) =>
            new(roundNumber, round.SamplingRate, round.NoiseMultiplier, delta, recordedUnixMs, round.Discreteness.Tau, round.Discreteness.Dimension, round.Discreteness.L1ToL2Ratio);
    }
}
