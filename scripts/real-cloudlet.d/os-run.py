#!/usr/bin/python3
"""os-run: start an OpenStack console entry point from Debian's python3-* library packages.

Usage: os-run module:function prog [args...]

Why: the console scripts (nova-api, glance-manage, neutron-server, ...) ship in Debian's daemon
packages, which bring dbconfig and init scripts; the libraries alone are enough if something
calls the entry points listed in the egg-info (notes, gotcha 1). This launcher also carries two
test-only fixes:

* SQLite under eventlet (gotcha 4b): a greenthread waiting in SQLite's C busy handler blocks its
  whole process, including the greenthread that holds the write lock. So connections get
  timeout=0, oslo.db's explicit BEGIN becomes BEGIN IMMEDIATE in writer transactions (the write
  lock is taken at the start of a transaction), and a busy statement outside a transaction is
  retried after time.sleep, which is green once eventlet has monkey-patched the process.
  Reader transactions (oslo.db enginefacade "reader") keep a plain BEGIN: neutron opens
  readers inside its own writers (e.g. security group rule create), which deadlocked on
  themselves when every BEGIN was IMMEDIATE. The first statement after a BEGIN holds no lock
  yet, so it is retried too. SQLAlchemy 1.4 opens a new connection per transaction (NullPool)
  and SQLite checkpoints and deletes the WAL file whenever the last connection closes, which
  makes readers meet a busy database; one "keeper" connection per file and process avoids it.
* Neutron in one process ("Later finding" of the notes): neutron 21 always forks an RPC worker
  and a periodic-task worker, and three processes writing one SQLite file ended in `database
  is locked`. With OS_RUN_NEUTRON_ONE_PROCESS=1 every neutron worker runs as a thread of the
  API process.
"""
import importlib
import os
import random
import sqlite3
import sqlite3.dbapi2
import sys
import time

BUSY_RETRY_SECONDS = float(os.environ.get('OS_RUN_SQLITE_BUSY_SECONDS', '120'))
_real_connect = sqlite3.dbapi2.connect


def _is_busy(error):
    text = str(error)
    return 'database is locked' in text or 'database is busy' in text


def _immediate(sql, connection):
    """BEGIN -> BEGIN IMMEDIATE, unless oslo.db marked the transaction as a reader."""
    if isinstance(sql, str) and sql.strip().upper() in ('BEGIN', 'BEGIN DEFERRED', 'BEGIN TRANSACTION'):
        return 'BEGIN' if getattr(connection, 'p2p_writer', None) is False else 'BEGIN IMMEDIATE'
    return sql


def _retrying(connection, run, sql=''):
    deadline = warn_at = None
    delay = 0.002
    while True:
        try:
            return run()
        except sqlite3.OperationalError as error:
            # Only a statement outside a transaction, or the first one after BEGIN (no lock
            # held yet), can be repeated as it was.
            if not _is_busy(error):
                raise
            if connection.in_transaction and not getattr(connection, 'fresh_transaction', False):
                sys.stderr.write('os-run: SQLite busy inside a transaction begun with %r: %s\n'
                                 % (getattr(connection, 'begun_with', None), str(sql)[:120]))
                raise
            now = time.monotonic()
            if deadline is None:
                deadline = now + BUSY_RETRY_SECONDS
                warn_at = now + 10
            if warn_at is not None and now >= warn_at:
                sys.stderr.write('os-run: SQLite busy for 10 s (still retrying until %ds): %s\n'
                                 % (BUSY_RETRY_SECONDS, str(sql)[:120]))
                warn_at = None
            if now >= deadline:
                raise
            time.sleep(delay * (0.5 + random.random()))  # green after monkey-patching
            delay = min(delay * 2, 0.05)


def _is_begin(sql):
    return isinstance(sql, str) and sql.strip().upper().startswith('BEGIN')


class _ShimCursor(sqlite3.Cursor):
    def execute(self, sql, *args):
        sql = _immediate(sql, self.connection)
        result = _retrying(self.connection, lambda: sqlite3.Cursor.execute(self, sql, *args), sql)
        self.connection.fresh_transaction = _is_begin(sql)
        if self.connection.fresh_transaction:
            self.connection.begun_with = sql
        return result

    def executemany(self, sql, *args):
        result = _retrying(self.connection, lambda: sqlite3.Cursor.executemany(self, sql, *args), sql)
        self.connection.fresh_transaction = False
        return result


class _ShimConnection(sqlite3.Connection):
    fresh_transaction = False  # BEGIN ran, nothing else yet: no lock is held
    begun_with = None
    p2p_writer = None  # False: an oslo.db reader transaction (plain BEGIN)

    def cursor(self, factory=_ShimCursor):
        return sqlite3.Connection.cursor(self, factory)

    def execute(self, sql, *args):
        return self.cursor().execute(sql, *args)

    def executemany(self, sql, *args):
        return self.cursor().executemany(sql, *args)


def _shim_connect(database, *args, **kwargs):
    if args:
        # connect(database, timeout, detect_types, isolation_level, check_same_thread, factory, ...)
        args = (0.0,) + args[1:]
    else:
        kwargs['timeout'] = 0.0
    kwargs.setdefault('factory', _ShimConnection)
    _keep_open(database)
    return _real_connect(database, *args, **kwargs)


_keepers = {}


def _keep_open(database):
    """Hold one connection per database file open (and its WAL open) for the process's life."""
    if not isinstance(database, str) or database in _keepers or database.startswith(':') \
            or database.startswith('file:') or not os.path.exists(database):
        return
    keeper = _real_connect(database, timeout=0.0, check_same_thread=False,
                           isolation_level=None, factory=_ShimConnection)
    _keepers[database] = keeper
    try:
        keeper.execute('SELECT 1 FROM sqlite_master LIMIT 1').fetchall()
    except sqlite3.Error:
        pass


def install_sqlite_shim():
    sqlite3.dbapi2.connect = _shim_connect
    sqlite3.connect = _shim_connect


def install_reader_tracking():
    """Tell the BEGIN of each oslo.db transaction whether it is a writer or a reader.

    enginefacade connects through an Engine copy carrying the execution option p2p_writer;
    a class-level "begin" listener, which runs before oslo.db's own (the one that emits
    BEGIN), copies it onto the DBAPI connection. Sessions still connect lazily: nova's
    instance_create runs an independent writer before its own first statement, which works
    only while the outer transaction has not begun yet.
    """
    try:
        import sqlalchemy
        from oslo_db.sqlalchemy import enginefacade
    except ImportError:
        return
    option_engines = {}

    def engine_for(engine, is_writer):
        key = (id(engine), is_writer)
        if key not in option_engines:
            option_engines[key] = (engine, engine.execution_options(p2p_writer=is_writer))
        return option_engines[key][1]

    def mark_begin(conn):
        fairy = conn.connection
        dbapi_connection = getattr(fairy, 'dbapi_connection', None) or getattr(fairy, 'connection', None)
        if isinstance(dbapi_connection, _ShimConnection):
            dbapi_connection.p2p_writer = conn.get_execution_options().get('p2p_writer')

    sqlalchemy.event.listen(sqlalchemy.engine.Engine, 'begin', mark_begin)
    factory_class = enginefacade._TransactionFactory
    original_create_session = factory_class._create_session

    def engine_of(factory, mode):
        if mode is enginefacade._WRITER:
            return factory._writer_engine
        if mode is enginefacade._ASYNC_READER or (mode is enginefacade._READER and not factory.synchronous_reader):
            return factory._reader_engine
        return factory._writer_engine

    def create_session(self, mode, bind=None):
        if bind is None:
            if not self._started:
                self._start()
            bind = engine_for(engine_of(self, mode), mode is enginefacade._WRITER)
        return original_create_session(self, mode, bind=bind)

    def create_connection(self, mode):
        if not self._started:
            self._start()
        return engine_for(engine_of(self, mode), mode is enginefacade._WRITER).connect()

    factory_class._create_session = create_session
    factory_class._create_connection = create_connection


def install_neutron_one_process():
    from neutron import service

    real_get_rpc_workers = service._get_rpc_workers

    def get_rpc_workers_in_process(*args, **kwargs):
        workers = real_get_rpc_workers(*args, **kwargs)
        for worker in workers:
            worker._worker_process_count = 0
        return workers

    service._get_rpc_workers = get_rpc_workers_in_process


def main():
    if len(sys.argv) < 3 or ':' not in sys.argv[1]:
        sys.stderr.write(__doc__)
        return 2
    module_name, function_name = sys.argv[1].split(':', 1)
    if os.environ.get('OS_RUN_SQLITE_SHIM', '1') == '1':
        install_sqlite_shim()
    sys.argv = sys.argv[2:]
    module = importlib.import_module(module_name)  # monkey-patches (nova, glance, neutron)
    if os.environ.get('OS_RUN_SQLITE_SHIM', '1') == '1':
        install_reader_tracking()
    if os.environ.get('OS_RUN_NEUTRON_ONE_PROCESS') == '1':
        install_neutron_one_process()
    return getattr(module, function_name)()


if __name__ == '__main__':
    sys.exit(main())
