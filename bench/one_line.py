"""The browser benchmark's floor: a Streamlit page with nothing on it but one line."""

import streamlit as st

st.write("one line")
