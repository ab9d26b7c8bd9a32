namespace ScenarioEngine.Core.Machine;

/// <summary>A stable, platform-independent hash (FNV-1a 64 with a SplitMix64 finaliser) for splits, holdouts and sharding.</summary>
public static class StableHash
{
    /// <summary>Hashes the parts, separated, into 64 bits; the same input gives the same result on every machine and run.</summary>
    public static ulong Hash(string a, string b = "", string c = "")
    {
        var h = 14695981039346656037UL;
        h = Mix(h, a);
        h = (h ^ 0x1F) * 1099511628211UL;
        h = Mix(h, b);
        h = (h ^ 0x1F) * 1099511628211UL;
        h = Mix(h, c);

        // SplitMix64 finaliser: spreads FNV's weak low bits so buckets are uniform.
        h ^= h >> 30;
        h *= 0xBF58476D1CE4E5B9UL;
        h ^= h >> 27;
        h *= 0x94D049BB133111EBUL;
        h ^= h >> 31;
        return h;
    }

    /// <summary>A number in [0, 1) from the hash of the parts.</summary>
    public static double Unit(string a, string b = "", string c = "") => (Hash(a, b, c) >> 11) * (1.0 / (1UL << 53));

    private static ulong Mix(ulong h, string s)
    {
        foreach (var ch in s)
        {
            h = (h ^ (byte)ch) * 1099511628211UL;
            h = (h ^ (byte)(ch >> 8)) * 1099511628211UL;
        }

        return h;
    }
}
