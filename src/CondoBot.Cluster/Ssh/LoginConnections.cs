namespace CondoBot.Cluster.Ssh;

/// <summary>
/// The open connections of one (cluster, login, delegated key): at most <see cref="LoginNodeOptions.ConnectionsPerLogin"/>
/// taking commands, each running at most <see cref="LoginNodeOptions.ChannelsPerConnection"/> at once. A command goes
/// to an open connection with room before a new one is opened, so a login's steady load rides on one connection.
/// </summary>
internal sealed class LoginConnections(LoginNodeOptions options, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly List<PoolSlot> _slots = [];
    private readonly SemaphoreSlim _channels = new(options.ConnectionsPerLogin * options.ChannelsPerConnection);
    private byte[]? _identity;

    /// <summary>A channel slot on an open (or opening) connection made with the key whose public half is <paramref name="identity"/>.</summary>
    public async Task<SshLease> LeaseAsync(byte[] identity, Func<Task<SshConnection>> open, CancellationToken cancellationToken)
    {
        await _channels.WaitAsync(cancellationToken);
        PoolSlot slot;
        bool fresh;
        var closing = new List<PoolSlot>();
        lock (_gate)
        {
            if (_identity is null || !_identity.AsSpan().SequenceEqual(identity))
            {
                // Another key than the connections were opened with (replaced on another replica, say): none of them may serve it.
                RetireAll(closing);
                _identity = identity;
            }

            var now = time.GetTimestamp();
            foreach (var s in _slots.Where(s => !s.Retired && (!s.Usable || time.GetElapsedTime(s.OpenedAt, now) >= options.ConnectionLifetime)))
            {
                s.Retired = true;
                if (s.Channels == 0) closing.Add(s);
            }

            slot = _slots.FirstOrDefault(s => s.Usable && s.Channels < options.ChannelsPerConnection) ?? Add(Task.Run(open), now);
            fresh = !slot.Opening.IsCompleted;
            slot.Channels++;
            _slots.RemoveAll(closing.Contains);
        }

        Close(closing);
        try
        {
            var connection = await slot.Opening.WaitAsync(cancellationToken);
            return new SshLease(this, slot, connection, fresh);
        }
        catch
        {
            if (slot.Opening.IsFaulted) Retire(slot);
            Return(slot);
            throw;
        }
    }

    private PoolSlot Add(Task<SshConnection> opening, long now)
    {
        var slot = new PoolSlot(opening, now);
        _slots.Add(slot);
        return slot;
    }

    public void Retire(PoolSlot slot)
    {
        lock (_gate) slot.Retired = true;
    }

    public void Return(PoolSlot slot)
    {
        var close = false;
        lock (_gate)
        {
            slot.Channels--;
            slot.LastUsed = time.GetTimestamp();
            if (slot.Retired && slot.Channels == 0)
            {
                close = _slots.Remove(slot);
            }
        }

        if (close) Close([slot]);
        _channels.Release();
    }

    /// <summary>Closes what is idle past its time, dead or retired; answers how many connections stay open.</summary>
    public int Sweep()
    {
        var closing = new List<PoolSlot>();
        int open;
        lock (_gate)
        {
            var now = time.GetTimestamp();
            closing.AddRange(_slots.Where(s => s.Channels == 0 && (s.Retired || !s.Usable
                || time.GetElapsedTime(s.LastUsed, now) >= options.IdleTimeout
                || time.GetElapsedTime(s.OpenedAt, now) >= options.ConnectionLifetime)));
            _slots.RemoveAll(closing.Contains);
            open = _slots.Count;
        }

        Close(closing);
        return open;
    }

    /// <summary>Closes every connection: idle ones now, busy ones when their command ends. The next command opens afresh.</summary>
    public void CloseAll()
    {
        var closing = new List<PoolSlot>();
        lock (_gate)
        {
            RetireAll(closing);
            _identity = null;
            _slots.RemoveAll(closing.Contains);
        }

        Close(closing);
    }

    /// <summary>At shutdown: closes every connection now, busy or not, and waits for each to close.</summary>
    public void DisposeAll()
    {
        List<PoolSlot> all;
        lock (_gate)
        {
            all = [.. _slots];
            _slots.Clear();
            _identity = null;
        }

        foreach (var slot in all.Where(s => s.Opening.IsCompletedSuccessfully)) slot.Opening.Result.Dispose();
    }

    public int OpenConnections
    {
        get
        {
            lock (_gate) return _slots.Count(s => s.Opening.IsCompletedSuccessfully && s.Opening.Result.IsConnected);
        }
    }

    private void RetireAll(List<PoolSlot> closing)
    {
        foreach (var s in _slots)
        {
            s.Retired = true;
            if (s.Channels == 0) closing.Add(s);
        }
    }

    private static void Close(IEnumerable<PoolSlot> slots)
    {
        foreach (var slot in slots)
        {
            // Disposing sends SSH's disconnect and waits for the reader thread: not on the caller's time.
            _ = slot.Opening.ContinueWith(
                t => t.Result.Dispose(),
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnRanToCompletion,
                TaskScheduler.Default);
        }
    }
}
