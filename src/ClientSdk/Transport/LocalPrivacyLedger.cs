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

    /// <summary>ε at <paramref name="delta"/> over the recorded rounds, plus <paramref name="next"/> if given.</summary>
    public double EpsilonWith((double SamplingRate, double NoiseMultiplier)? next, double delta)
    {
        lock (_gate)
        {
            var rounds = _entries.Select(e => (e.SamplingRate, e.NoiseMultiplier)).ToList();
            if (next is { } round)
            {
                rounds.Add(round);
            }

            return RdpAccountant.Epsilon(rounds, delta);
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
    public sealed record Entry(long RoundNumber, double SamplingRate, double NoiseMultiplier, double Delta, long RecordedUnixMs);
}
