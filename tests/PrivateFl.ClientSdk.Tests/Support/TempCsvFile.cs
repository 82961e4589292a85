namespace PrivateFl.ClientSdk.Tests.Support;

/// <summary>A CSV file in the temporary folder, deleted on dispose.</summary>
internal sealed class TempCsvFile : IDisposable
{
    public TempCsvFile(string content)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"privatefl-{Guid.NewGuid():N}.csv");
        File.WriteAllText(Path, content);
    }

    public string Path { get; }

    public void Dispose() => File.Delete(Path);
}
